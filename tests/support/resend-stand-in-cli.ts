import { startResendStandIn } from "./resend-stand-in";

// Runs the Resend stand-in as a process (Playwright's webServer, the benchmark).
const port = Number(process.argv[2] ?? process.env.RESEND_STAND_IN_PORT ?? 3299);
const standIn = await startResendStandIn(port);
console.log(`Resend stand-in listening on ${standIn.url}`);
const stop = () => void standIn.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
