// Search and billing RPCs, answered through the injected services (part 2), plus the payment
// method RPCs, which the emulator keeps as plain records (no payment processor).
import { status } from "@grpc/grpc-js";
import Long from "long";
import type * as B from "../../../generated/billing";
import type * as S from "../../../generated/search";
import type { UnaryHandler } from "../context";
import { ApiError, invalidArgument, notFound } from "../errors";
import { requireText } from "../validate";

const unaryAdmin = "admin" as const;

/** `at` as given, or now when unset; INVALID_ARGUMENT when it is beyond what a Date can hold. */
function validTime(field: string, value: Date | undefined, fallback: () => Date): Date {
  if (value === undefined) return fallback();
  if (Number.isNaN(value.getTime())) throw invalidArgument(field, "is not a representable timestamp");
  return value;
}

/** Search, billing and payment-method RPC implementations. */
export const billingHandlers = {
  search: {
    kind: "unary",
    access: "user",
    async handle(emu, caller, req): Promise<S.SearchResp> {
      return { hits: await emu.services.searchIndex.search(caller, req.query) };
    },
  } satisfies UnaryHandler<S.SearchReq, S.SearchResp>,

  getBillingDetails: {
    kind: "unary",
    access: unaryAdmin,
    handle(emu, caller, req): B.GetBillingDetailsResp {
      return emu.services.billing.getBillingDetails(caller.orgId, validTime("at", req.at, () => new Date(emu.now())));
    },
  } satisfies UnaryHandler<B.GetBillingDetailsReq, B.GetBillingDetailsResp>,

  getLargeTraffic: {
    kind: "unary",
    access: unaryAdmin,
    handle(emu, caller, req): B.GetLargeTrafficResp {
      return emu.services.billing.getLargeTraffic(caller.orgId, validTime("at", req.at, () => new Date(emu.now())));
    },
  } satisfies UnaryHandler<B.GetLargeTrafficReq, B.GetLargeTrafficResp>,

  getBillingFrequencyList: {
    kind: "unary",
    access: unaryAdmin,
    handle(emu, caller): B.GetBillingFrequencyListResp {
      return { billingFrequencyList: emu.services.billing.getBillingFrequencyList(caller.orgId) };
    },
  } satisfies UnaryHandler<B.GetBillingFrequencyListReq, B.GetBillingFrequencyListResp>,

  setNextBillingFrequency: {
    kind: "unary",
    access: unaryAdmin,
    handle(emu, caller, req): B.SetNextBillingFrequencyResp {
      const validFrom = req.validFrom === undefined ? undefined : validTime("validFrom", req.validFrom, () => new Date(emu.now()));
      return { nextBillingFrequency: emu.services.billing.setNextBillingFrequency(caller.orgId, req.frequency, validFrom) };
    },
  } satisfies UnaryHandler<B.SetNextBillingFrequencyReq, B.SetNextBillingFrequencyResp>,

  listCreditCards: {
    kind: "unary",
    access: unaryAdmin,
    handle(emu, caller): B.ListCreditCardsResp {
      const rows = emu.db.prepare("SELECT pm_id, is_default FROM payment_methods WHERE org_id = ? ORDER BY seq").all(caller.orgId) as {
        pm_id: string;
        is_default: number;
      }[];
      // The emulator has no card data: every payment method is shown as a test Visa card.
      return {
        creditCardList: rows.map((r) => ({
          id: r.pm_id,
          brand: "visa",
          country: "US",
          expMonth: Long.fromNumber(12, true),
          expYear: Long.fromNumber(2034, true),
          lastFour: "4242",
          isDefault: r.is_default === 1,
        })),
      };
    },
  } satisfies UnaryHandler<B.ListCreditCardsReq, B.ListCreditCardsResp>,

  addPaymentMethod: {
    kind: "unary",
    access: unaryAdmin,
    handle(emu, caller, req): B.AddPaymentMethodResp {
      const pmId = requireText("pmID", req.pmID);
      emu.db.transaction(() => {
        const any = emu.db.prepare("SELECT 1 FROM payment_methods WHERE org_id = ?").get(caller.orgId);
        const added = emu.db
          .prepare("INSERT OR IGNORE INTO payment_methods(org_id, pm_id, is_default) VALUES (?, ?, ?)")
          .run(caller.orgId, pmId, any ? 0 : 1).changes;
        if (added === 0) throw new ApiError(status.ALREADY_EXISTS, `pmID: payment method ${pmId} is already attached`);
      })();
      return { pmID: pmId };
    },
  } satisfies UnaryHandler<B.AddPaymentMethodReq, B.AddPaymentMethodResp>,

  setDefaultPaymentMethod: {
    kind: "unary",
    access: unaryAdmin,
    handle(emu, caller, req): B.SetDefaultPaymentMethodResp {
      const pmId = requireText("pmID", req.pmID);
      emu.db.transaction(() => {
        if (!emu.db.prepare("SELECT 1 FROM payment_methods WHERE org_id = ? AND pm_id = ?").get(caller.orgId, pmId)) {
          throw notFound("pmID", `no payment method ${pmId}`);
        }
        emu.db.prepare("UPDATE payment_methods SET is_default = (pm_id = ?) WHERE org_id = ?").run(pmId, caller.orgId);
      })();
      return { pmID: pmId };
    },
  } satisfies UnaryHandler<B.SetDefaultPaymentMethodReq, B.SetDefaultPaymentMethodResp>,

  removePaymentMethod: {
    kind: "unary",
    access: unaryAdmin,
    handle(emu, caller, req): B.RemovePaymentMethodResp {
      const pmId = requireText("pmID", req.pmID);
      const n = emu.db.prepare("DELETE FROM payment_methods WHERE org_id = ? AND pm_id = ?").run(caller.orgId, pmId).changes;
      if (n === 0) throw notFound("pmID", `no payment method ${pmId}`);
      return { pmID: pmId };
    },
  } satisfies UnaryHandler<B.RemovePaymentMethodReq, B.RemovePaymentMethodResp>,
};
