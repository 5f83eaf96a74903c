//! `sitefeed::date::parse_date` on arbitrary text, with and without a zone for local times:
//! it must never panic, and any date it returns must print as RFC 3339 and parse back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitefeed::date::parse_date;

fuzz_target!(|text: &str| {
    for tz in [
        None,
        Some(chrono_tz::Europe::Moscow),
        Some(chrono_tz::America::St_Johns),
    ] {
        if let Some(date) = parse_date(text, tz) {
            let printed = date.to_rfc3339();
            let back = chrono::DateTime::parse_from_rfc3339(&printed)
                .unwrap_or_else(|e| panic!("{printed:?} from {text:?} does not parse back: {e}"));
            assert_eq!(back, date);
        }
    }
});
