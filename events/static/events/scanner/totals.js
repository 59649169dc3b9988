// Today's totals for the gate and the event: the server's figures plus what this phone did
// that has not reached the server yet, so staff see their own taps counted at once.

/**
 * People waiting in the queue, by kind and place. An undo takes away the people of its target
 * (`people` is noted on the undo item when it is made), whether the target is queued or uploaded.
 */
export function pendingTotals(queue, choice) {
  const pending = { gateAdmitted: 0, gateWalkIns: 0, eventAdmitted: 0, eventWalkIns: 0 };
  for (const item of queue) {
    if (item.event_id !== choice.event) continue;
    const here = item.gate === choice.gate;
    const add = (key, n) => {
      pending[`event${key}`] += n;
      if (here) pending[`gate${key}`] += n;
    };
    if (item.type === "checkin") add("Admitted", item.local_admitted || 0);
    else if (item.type === "walkin") add("WalkIns", item.count);
    else if (item.type === "undo") add(item.kind === "walkin" ? "WalkIns" : "Admitted", -(item.people || 0));
  }
  return pending;
}

/** The figures to show: never below zero (an undo of something the server has not counted). */
export function shownTotals(totals, pending) {
  const n = (value) => Math.max(value, 0);
  return {
    gateAdmitted: n(totals.gate_admitted + pending.gateAdmitted),
    gateWalkIns: n(totals.gate_walk_ins + pending.gateWalkIns),
    eventAdmitted: n(totals.event_admitted + pending.eventAdmitted),
    eventWalkIns: n(totals.event_walk_ins + pending.eventWalkIns),
    eventVisits: n(totals.event_visits + pending.eventAdmitted + pending.eventWalkIns),
  };
}
