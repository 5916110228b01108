// The two-step verification domain: what the pages, the sign-in and the administration call.
export { hasTwoStep, listFactors, recoveryCodeStatus, removeFactor, renameFactor } from "./factors";
export { confirmTotpEnrollment, startTotpEnrollment } from "./totp-enrollment";
export {
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
} from "./passkeys";
export { availableSecondSteps, redeemRecoveryCode, verifyTotpCode } from "./second-step";
export { regenerateRecoveryCodes } from "./recovery-codes";
export { resetFactors } from "./reset";
export { listRecentSignIns } from "./sign-ins";
