#!/usr/bin/env node
// Prints an API token for local use: `node scripts/dev-token.mjs` (admin) or `node scripts/dev-token.mjs <locationId>`.
// Signed with API_JWT_SECRET from .dev.vars (written by `npm start`), valid for one hour.
import { SignJWT } from "jose";
import { readDevVars } from "./dev-vars.mjs";

const vars = readDevVars();
const location = process.argv[2];
const token = await new SignJWT(location ? { loc: location } : { role: "admin" })
  .setProtectedHeader({ alg: "HS256" })
  .setExpirationTime("1h")
  .sign(new TextEncoder().encode(vars.API_JWT_SECRET));
console.log(token);
