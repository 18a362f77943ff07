// Every RPC implementation, keyed by the method names of the generated StrongDocServiceService.
import type { Handler } from "../context";
import { accountHandlers } from "./accounts";
import { loginHandlers } from "./login";
import { documentHandlers } from "./documents";
import { streamHandlers } from "./streams";
import { sharingHandlers } from "./sharing";
import { billingHandlers } from "./billing";

/** All 39 RPC implementations (server.ts refuses to start if one is missing). */
export const handlers: Record<string, Handler> = {
  ...accountHandlers,
  ...loginHandlers,
  ...documentHandlers,
  ...streamHandlers,
  ...sharingHandlers,
  ...billingHandlers,
};
