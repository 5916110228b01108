// The two-step verification domain: what the pages, the sign-in and the administration call.
export {
  hasTwoStep,
  listFactors,
  recoveryCodeStatus,
  removeFactor,
  renameFactor,
  type FactorSummary,
  type TwoStepAccount,
} from "./factors";
export {
  confirmTotpEnrollment,
  startTotpEnrollment,
  type ConfirmedFactor,
  type TotpEnrollment,
} from "./totp-enrollment";
export {
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
  type PasskeyCeremony,
} from "./passkeys";
export { availableSecondSteps, redeemRecoveryCode, verifyTotpCode } from "./second-step";
export { regenerateRecoveryCodes } from "./recovery-codes";
export { resetFactors } from "./reset";
export { describeUserAgent, listRecentSignIns, type RecentSignIn } from "./sign-ins";
