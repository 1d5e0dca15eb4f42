/**
 * The packed library installed into a fresh consumer project, for tests that run the package the
 * way a user does (its bin, the README example) without racing other tests over the repo's dist/.
 */
import { type Consumer, createConsumer } from "./pack-consumer.js";
import { packLibrary } from "./pack-tarball.js";

let consumer: Promise<Consumer> | undefined;

/** Return a consumer project (made once per test file) with the packed tarball installed. */
function installedPackage(): Promise<Consumer> {
  consumer ??= packLibrary().then(({ tarball }) =>
    createConsumer({
      name: "installed",
      packageJson: { type: "module" },
      install: [tarball],
    }),
  );
  return consumer;
}

export { installedPackage };
