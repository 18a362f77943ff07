// Test helper: one in-process emulator (TLS on 127.0.0.1, a free port) per test file, a client
// bound to it, and organizations registered through the `client` escape hatch.
import { createHash, randomUUID } from "node:crypto";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/src/index";
import { createClient, type StrongDocClient } from "../../src/index";

/** An organization registered for a test, with its admin logged in. */
export interface TestOrg {
  readonly orgId: string;
  readonly adminId: string;
  readonly password: string;
  readonly token: string;
}

/** A running emulator and a client bound to it. */
export interface TestEnv {
  readonly emu: RunningEmulator;
  readonly sd: StrongDocClient;
  /** Registers a fresh organization (unique name) and logs its admin in. */
  newOrg(prefix?: string): Promise<TestOrg>;
  /** Registers a user in `org`, logs them in, and returns their ID and token. */
  newUser(org: TestOrg, admin?: boolean): Promise<{ userId: string; password: string; token: string }>;
  stop(): Promise<void>;
}

/** Starts an emulator with cheap password hashing and returns a {@link TestEnv}. */
export async function startTestEnv(options: EmulatorOptions = {}): Promise<TestEnv> {
  const emu = await startEmulator({ port: 0, quiet: true, scrypt: { N: 1024, r: 8, p: 1 }, ...options });
  // "localhost" (in the certificate) rather than the IP: Node warns when TLS SNI is an IP address.
  const sd = createClient({ host: "localhost", port: emu.port, caPem: emu.caPem });
  const env: TestEnv = {
    emu,
    sd,
    async newOrg(prefix = "org") {
      const name = `${prefix}-${randomUUID().slice(0, 8)}`;
      const password = "correct horse battery staple";
      const raw = sd.client.connectToServerWithNoAuth();
      const resp = await new Promise<{ orgID: string; userID: string }>((resolve, reject) =>
        raw.registerOrganization(
          {
            orgName: name,
            orgEmail: `it@${name}.test`,
            orgAddr: "1 Test Street",
            userName: "Admin",
            password,
            adminEmail: `admin@${name}.test`,
            sharableOrgs: [],
            multiLevelShare: false,
            source: "Test Active",
            sourceData: "",
            pmID: "",
          },
          (err, r) => (err ? reject(err) : resolve(r!)),
        ),
      );
      const token = await sd.login.login(resp.userID, password, resp.orgID);
      return { orgId: resp.orgID, adminId: resp.userID, password, token };
    },
    async newUser(org, admin = false) {
      const email = `user-${randomUUID().slice(0, 8)}@${org.orgId}.test`;
      const password = "another good passphrase";
      const userId = await sd.account.registerUser(org.token, "User", password, email, admin);
      const token = await sd.login.login(userId, password, org.orgId);
      return { userId, password, token };
    },
    async stop() {
      sd.close();
      await emu.stop();
    },
  };
  return env;
}

/** Hex SHA-256 of a buffer. */
export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
