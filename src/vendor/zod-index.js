// "zod" for the deployed bundle (see zod.js): the same two entry shapes zod's own index offers.
import * as z from "./zod.js";
export * from "./zod.js";
export { z, z as default };
