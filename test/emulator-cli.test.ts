import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ActionService } from "../gen/zitadel/action/v2/action_service_pb.js";
import { type CliRun, runCli } from "../src/cli/main.js";
import { installedPackage } from "./helpers/installed-package.js";
import type { Consumer } from "./helpers/pack-consumer.js";

const runs: CliRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.emulator?.close()));
});

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const run = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  runs.push(run);
  return { run, out: out.join("\n"), err: err.join("\n") };
}

describe("runCli", () => {
  it("starts the emulator, prints its URL and answers gRPC and gRPC-web", async () => {
    const { run, out } = await cli(["emulator", "--port", "0", "--host", "127.0.0.1"]);
    expect(run.emulator).toBeDefined();
    expect(out).toMatch(/^ZITADEL Actions emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const baseUrl = out.split(" ").pop()!;
    for (const transport of [
      createGrpcTransport({ baseUrl }),
      createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
    ]) {
      expect(
        (await createClient(ActionService, transport).listExecutionFunctions({})).functions,
      ).toHaveLength(3);
    }
  });

  it("enforces --token without printing it and loads --seed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "emulator-cli-"));
    try {
      const seedFile = join(dir, "seed.json");
      await writeFile(
        seedFile,
        JSON.stringify({
          targets: [{ name: "seeded", endpoint: "https://example.com", type: "async" }],
        }),
      );
      const { run, out } = await cli([
        "emulator",
        "--port=0",
        "--token",
        "cli-secret",
        "--seed",
        seedFile,
      ]);
      expect(out).not.toContain("cli-secret");
      const client = createClient(
        ActionService,
        createGrpcTransport({ baseUrl: run.emulator!.baseUrl }),
      );
      const denied = await client.listTargets({}).catch((e: unknown) => ConnectError.from(e));
      expect((denied as ConnectError).code).toBe(Code.Unauthenticated);
      const list = await client.listTargets(
        {},
        { headers: { authorization: "Bearer cli-secret" } },
      );
      expect(list.targets.map((t) => t.name)).toEqual(["seeded"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [["emulator", "--port", "x"], /--port/],
    [["emulator", "--bogus"], /unknown option "--bogus"/],
    [["emulator", "--port", "70000"], /--port: must be an integer between 0 and 65535/],
    [["emulator", "--latency=-1"], /--latency: must be a number of at least 0/],
    [
      ["emulator", "--latency", "-1"],
      /--latency: write a value that starts with "-" as --latency=<value>/,
    ],
    [["emulator", "stray"], /unexpected argument "stray"/],
    [["emulator", "--token"], /--token: missing value/],
    [["serve"], /unknown command "serve"/],
    [["emulator", "--seed", "/nonexistent/seed.json"], /--seed: cannot read/],
  ])("refuses %j with exit code 1", async (argv, message) => {
    const { run, err } = await cli(argv);
    expect(run.emulator).toBeUndefined();
    expect(run.exitCode).toBe(1);
    expect(err).toMatch(message);
  });

  it("prints usage for --help", async () => {
    const { run, out } = await cli(["emulator", "--help"]);
    expect(run.exitCode).toBe(0);
    expect(out).toContain("Usage: zitadel-actions emulator");
    expect((await cli(["help", "emulator"])).out).toBe(out);
  });

  it("lists the commands for --help and on stderr with exit 1 when none is given", async () => {
    const help = await cli(["--help"]);
    expect(help.run.exitCode).toBe(0);
    expect(help.out).toMatch(/^Usage: zitadel-actions <command>/);
    expect(help.out).toMatch(/^ {2}emulator {2}/m);
    const none = await cli([]);
    expect(none.run.exitCode).toBe(1);
    expect(none.err).toBe(help.out);
  });

  it("prints the package version for --version", async () => {
    const { version } = JSON.parse(
      await readFile(new URL("../package.json", import.meta.url), "utf8"),
    );
    const { run, out } = await cli(["--version"]);
    expect(run.exitCode).toBe(0);
    expect(out).toBe(version);
  });
});

describe("the packed bin (`zitadel-actions`) as a child process", () => {
  let bin: string;
  let consumer: Consumer;
  beforeAll(async () => {
    consumer = await installedPackage();
    bin = join(consumer.dir, "node_modules", ".bin", "zitadel-actions");
  }, 180_000);
  afterAll(() => consumer?.remove());

  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child !== undefined && child.exitCode === null) child.kill("SIGKILL");
  });

  it("prints its URL, answers, and exits 0 on SIGTERM", async () => {
    child = spawn(bin, ["emulator", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const proc = child;
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let text = "";
      proc.stdout!.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(text);
        if (match) resolve(match[1]!);
      });
      proc.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
    });
    const client = createClient(ActionService, createGrpcTransport({ baseUrl }));
    expect((await client.listExecutionFunctions({})).functions).toContain("preuserinfo");
    const exit = new Promise<number | null>((resolve) =>
      proc.once("exit", (code) => resolve(code)),
    );
    proc.kill("SIGTERM");
    expect(await exit).toBe(0);
  });
});
