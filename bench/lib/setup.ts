// Creates the benchmark's accounts on a fresh server: registers an organization with its admin
// user and logs in, through the raw generated client, and can give an account a fixed set of
// small documents (what the unary section's listDocuments lists).
import { randomBytes } from "node:crypto";
import { bearer, openRawClient, unary, type Endpoint } from "./grpc";

/** Registers a new organization (random name) and returns `{ orgId, userId, token }`. */
export async function createBenchAccount(ep: Endpoint): Promise<{ orgId: string; userId: string; token: string }> {
  const client = openRawClient(ep);
  try {
    const tag = randomBytes(4).toString("hex");
    const password = `bench-${randomBytes(9).toString("base64url")}`;
    const reg = await unary(client, client.registerOrganization, {
      orgName: `bench-org-${tag}`,
      orgEmail: `bench-${tag}@example.com`,
      orgAddr: "1 Loopback Lane",
      userName: "bench",
      password,
      adminEmail: `bench-admin-${tag}@example.com`,
      sharableOrgs: [],
      multiLevelShare: false,
      source: "Test Active",
      sourceData: "",
      pmID: "",
    });
    const { token } = await unary(client, client.login, { userID: reg.userID, password, orgID: reg.orgID });
    return { orgId: reg.orgID, userId: reg.userID, token };
  } finally {
    client.close();
  }
}

/** Uploads `count` small text documents (about 1 KiB each) with the unary UploadDocument RPC. */
export async function seedDocuments(ep: Endpoint, token: string, count: number): Promise<void> {
  const client = openRawClient(ep);
  try {
    for (let i = 0; i < count; i++) {
      const plaintext = `Bench document ${i}: ${"lorem ipsum dolor sit amet ".repeat(38)}`;
      await unary(client, client.uploadDocument, { docName: `bench-list-${i}.txt`, plaintext }, bearer(token));
    }
  } finally {
    client.close();
  }
}
