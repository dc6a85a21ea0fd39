import { Mailbox } from "../../src/mailbox/mailbox";

/*
 * Whether a mailbox's alarm (its sync run) is under way, for tests that wait for a run to end. The object keeps
 * no field for them: the runtime calls an object's alarm() by name, so the class's method is wrapped once here,
 * and the count lives on each instance under a global symbol (modules may be evaluated again per test file).
 */
const RUNS = Symbol.for("crm-gmail-sync.test.alarm-runs");
const WATCHED = Symbol.for("crm-gmail-sync.test.alarm-watched");

type Watched = Mailbox & { [RUNS]?: number };

function watchAlarms(): void {
  const prototype = Mailbox.prototype as Mailbox & { [WATCHED]?: true };
  if (prototype[WATCHED]) return;
  const alarm = prototype.alarm;
  prototype.alarm = async function (this: Watched): Promise<void> {
    this[RUNS] = (this[RUNS] ?? 0) + 1;
    try {
      await alarm.call(this);
    } finally {
      this[RUNS] = (this[RUNS] ?? 1) - 1;
    }
  };
  prototype[WATCHED] = true;
}
watchAlarms();

/** True while an alarm of this object (from runInDurableObject) is running. */
export function alarmRunning(instance: Mailbox): boolean {
  // Another class than the one wrapped would always answer false: fail loudly instead of waiting on nothing.
  if (!(instance instanceof Mailbox)) throw new Error("alarmRunning: not the Mailbox class the tests wrapped");
  return ((instance as Watched)[RUNS] ?? 0) > 0;
}
