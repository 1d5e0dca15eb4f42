/**
 * The built-in list of ZITADEL services, methods, event types and functions that execution
 * conditions are checked against (ZITADEL checks them against what it has registered).
 */

/** A catalog of what execution conditions may name. */
interface EmulatorCatalog {
  /** gRPC services and their method names, e.g. `{ "zitadel.user.v2.UserService": ["AddHumanUser"] }`. */
  services: Record<string, readonly string[]>;
  /** Event types, e.g. `user.human.added`; groups are derived from their dotted prefixes. */
  eventTypes: readonly string[];
  /** Function names, e.g. `preaccesstoken`. */
  functions: readonly string[];
}

const actionV2Methods = [
  "CreateTarget",
  "UpdateTarget",
  "DeleteTarget",
  "GetTarget",
  "ListTargets",
  "AddPublicKey",
  "ActivatePublicKey",
  "DeactivatePublicKey",
  "RemovePublicKey",
  "ListPublicKeys",
  "SetExecution",
  "ListExecutions",
  "ListExecutionFunctions",
  "ListExecutionMethods",
  "ListExecutionServices",
];

const builtinServices: Record<string, readonly string[]> = {
  "zitadel.action.v2.ActionService": actionV2Methods,
  "zitadel.action.v2beta.ActionService": actionV2Methods
    .slice(0, 5)
    .concat(actionV2Methods.slice(10)),
  "zitadel.session.v2.SessionService": [
    "ListSessions",
    "GetSession",
    "CreateSession",
    "SetSession",
    "DeleteSession",
  ],
  "zitadel.user.v2.UserService": [
    "AddHumanUser",
    "CreateUser",
    "UpdateUser",
    "UpdateHumanUser",
    "GetUserByID",
    "ListUsers",
    "DeleteUser",
    "DeactivateUser",
    "ReactivateUser",
    "LockUser",
    "UnlockUser",
    "SetEmail",
    "ResendEmailCode",
    "SendEmailCode",
    "VerifyEmail",
    "SetPhone",
    "RemovePhone",
    "ResendPhoneCode",
    "VerifyPhone",
    "SetPassword",
    "PasswordReset",
    "RegisterPasskey",
    "VerifyPasskeyRegistration",
    "CreatePasskeyRegistrationLink",
    "RemovePasskey",
    "ListPasskeys",
    "RegisterU2F",
    "VerifyU2FRegistration",
    "RemoveU2F",
    "RegisterTOTP",
    "VerifyTOTPRegistration",
    "RemoveTOTP",
    "AddOTPSMS",
    "RemoveOTPSMS",
    "AddOTPEmail",
    "RemoveOTPEmail",
    "StartIdentityProviderIntent",
    "RetrieveIdentityProviderIntent",
    "AddIDPLink",
    "ListIDPLinks",
    "RemoveIDPLink",
    "ListAuthenticationMethodTypes",
    "AddKey",
    "RemoveKey",
    "ListKeys",
    "AddPersonalAccessToken",
    "RemovePersonalAccessToken",
    "ListPersonalAccessTokens",
    "AddSecret",
    "RemoveSecret",
    "SetUserMetadata",
    "DeleteUserMetadata",
    "ListUserMetadata",
    "CreateInviteCode",
    "VerifyInviteCode",
    "ResendInviteCode",
    "HumanMFAInitSkipped",
  ],
  "zitadel.oidc.v2.OIDCService": [
    "GetAuthRequest",
    "CreateCallback",
    "GetDeviceAuthorizationRequest",
    "AuthorizeOrDenyDeviceAuthorization",
  ],
  "zitadel.saml.v2.SAMLService": ["GetSAMLRequest", "CreateResponse"],
  "zitadel.org.v2.OrganizationService": [
    "AddOrganization",
    "ListOrganizations",
    "UpdateOrganization",
    "DeleteOrganization",
    "DeactivateOrganization",
    "ActivateOrganization",
    "SetOrganizationMetadata",
    "ListOrganizationMetadata",
    "DeleteOrganizationMetadata",
    "AddOrganizationDomain",
    "ListOrganizationDomains",
    "DeleteOrganizationDomain",
    "GenerateOrganizationDomainValidation",
    "VerifyOrganizationDomain",
  ],
  "zitadel.settings.v2.SettingsService": [
    "GetGeneralSettings",
    "GetLoginSettings",
    "GetPasswordComplexitySettings",
    "GetPasswordExpirySettings",
    "GetBrandingSettings",
    "GetDomainSettings",
    "GetLegalAndSupportSettings",
    "GetLockoutSettings",
    "GetActiveIdentityProviders",
    "GetSecuritySettings",
    "SetSecuritySettings",
  ],
  "zitadel.feature.v2.FeatureService": [
    "SetSystemFeatures",
    "ResetSystemFeatures",
    "GetSystemFeatures",
    "SetInstanceFeatures",
    "ResetInstanceFeatures",
    "GetInstanceFeatures",
    "SetOrganizationFeatures",
    "ResetOrganizationFeatures",
    "GetOrganizationFeatures",
    "SetUserFeatures",
    "ResetUserFeatures",
    "GetUserFeatures",
  ],
  "zitadel.idp.v2.IdentityProviderService": ["GetIDPByID"],
  "zitadel.webkey.v2.WebKeyService": [
    "CreateWebKey",
    "ActivateWebKey",
    "DeleteWebKey",
    "ListWebKeys",
  ],
  "zitadel.management.v1.ManagementService": [
    "Healthz",
    "GetMyOrg",
    "AddHumanUser",
    "ImportHumanUser",
    "GetUserByID",
    "ListUsers",
    "AddProject",
    "ListProjects",
    "ListActions",
    "GetAction",
    "CreateAction",
    "UpdateAction",
    "DeactivateAction",
    "ReactivateAction",
    "DeleteAction",
    "ListFlowTypes",
    "ListFlowTriggerTypes",
    "GetFlow",
    "ClearFlow",
    "SetTriggerActions",
  ],
  "zitadel.admin.v1.AdminService": ["Healthz", "GetSupportedLanguages", "ListOrgs", "SetUpOrg"],
  "zitadel.auth.v1.AuthService": ["Healthz", "GetMyUser", "GetMyProfile", "ListMyUserSessions"],
};

const builtinEventTypes = [
  "user.human.added",
  "user.human.selfregistered",
  "user.human.initialization.code.added",
  "user.human.initialization.check.succeeded",
  "user.human.profile.changed",
  "user.human.email.changed",
  "user.human.email.verified",
  "user.human.phone.changed",
  "user.human.phone.verified",
  "user.human.phone.removed",
  "user.human.password.changed",
  "user.human.password.check.succeeded",
  "user.human.password.check.failed",
  "user.human.mfa.otp.added",
  "user.human.mfa.otp.verified",
  "user.human.passwordless.token.added",
  "user.human.signed.out",
  "user.machine.added",
  "user.machine.changed",
  "user.machine.key.added",
  "user.username.changed",
  "user.locked",
  "user.unlocked",
  "user.deactivated",
  "user.reactivated",
  "user.removed",
  "user.token.added",
  "user.grant.added",
  "user.grant.changed",
  "user.grant.removed",
  "user.metadata.set",
  "user.metadata.removed",
  "org.added",
  "org.changed",
  "org.deactivated",
  "org.reactivated",
  "org.removed",
  "org.domain.added",
  "org.domain.verified",
  "org.domain.primary.set",
  "org.member.added",
  "org.member.removed",
  "project.added",
  "project.changed",
  "project.removed",
  "project.application.added",
  "project.application.changed",
  "project.application.removed",
  "project.role.added",
  "project.grant.added",
  "session.added",
  "session.user.checked",
  "session.password.checked",
  "session.token.set",
  "session.terminated",
  "instance.added",
  "instance.domain.added",
  "instance.removed",
  "action.added",
  "action.changed",
  "action.removed",
  "target.added",
  "target.changed",
  "target.removed",
  "execution.set",
  "execution.removed",
];

const builtinFunctions = ["preuserinfo", "preaccesstoken", "presamlresponse"];

/** Return the built-in catalog, merged with optional extra services/event types/functions. */
function createCatalog(extra?: Partial<EmulatorCatalog>): EmulatorCatalog {
  const services: Record<string, readonly string[]> = { ...builtinServices };
  for (const [name, methods] of Object.entries(extra?.services ?? {})) {
    services[name] = [...new Set([...(services[name] ?? []), ...methods])];
  }
  return {
    services,
    eventTypes: [...new Set([...builtinEventTypes, ...(extra?.eventTypes ?? [])])],
    functions: [...new Set([...builtinFunctions, ...(extra?.functions ?? [])])],
  };
}

/** Return every method path `/<service>/<Method>` of a catalog, sorted. */
function catalogMethods(catalog: EmulatorCatalog): string[] {
  const out: string[] = [];
  for (const [service, methods] of Object.entries(catalog.services)) {
    for (const m of methods) out.push(`/${service}/${m}`);
  }
  return out.sort();
}

/** Return every service name of a catalog, sorted. */
function catalogServices(catalog: EmulatorCatalog): string[] {
  return Object.keys(catalog.services).sort();
}

/** Return the function names of a catalog, sorted. */
function catalogFunctions(catalog: EmulatorCatalog): string[] {
  return [...catalog.functions].sort();
}

/** Report whether an event group (`user`, `user.human`, with or without `.*`) names any event type. */
function isKnownEventGroup(catalog: EmulatorCatalog, group: string): boolean {
  const prefix = `${group.replace(/\.\*$/, "").replace(/\.$/, "")}.`;
  return prefix !== "." && catalog.eventTypes.some((t) => t.startsWith(prefix));
}

export type { EmulatorCatalog };
export { catalogFunctions, catalogMethods, catalogServices, createCatalog, isKnownEventGroup };
