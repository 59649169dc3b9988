// Filling the page's translated texts (they come from the server through json_script).

/** "Admit %(n)s people" + {n: 3} -> "Admit 3 people" */
export function fmt(template, values = {}) {
  return String(template ?? "").replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

/** The "_one" variant of a text for 1, the general one otherwise (Vietnamese has no plural). */
export function plural(strings, key, n, values = {}) {
  const template = n === 1 && strings[`${key}_one`] ? strings[`${key}_one`] : strings[key];
  return fmt(template, { n, ...values });
}

/** "08:42" in the event's time zone. */
export function clock(value, timeZone) {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(new Date(value));
}

/** "2026-12-03" -> "03/12/2026", as the site writes dates. */
export function dayMonthYear(isoDay) {
  const [year, month, day] = String(isoDay || "").split("-");
  return day ? `${day}/${month}/${year}` : "";
}
