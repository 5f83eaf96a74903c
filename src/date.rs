//! Lenient timestamp parsing for the many ways pages write dates.
//!
//! Extraction meets dates in structured data (`2026-01-27T12:28+0000`, RFC 3339, RFC 2822),
//! in ISO basic form, as Unix epochs and in visible text ("27 January 2026, 12:28 GMT",
//! "27.01.2026"). This module turns all of them into one zoned instant and says how precise the
//! page was, so the caller can prefer a candidate that carries a time and a zone. It is pure:
//! there is no clock, so a text without a year is not a date.

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Utc,
};
use chrono_tz::Tz;
use regex::Regex;
use std::sync::LazyLock;

/// Years outside this range are treated as nonsense (placeholders like `0001-01-01`, typos).
const MIN_YEAR: i32 = 1990;
const MAX_YEAR: i32 = 2100;
/// Longer inputs are not timestamps; capping keeps the regexes cheap on hostile pages.
const MAX_INPUT_CHARS: usize = 200;

/// A parsed timestamp and how much of it the text actually stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    pub at: DateTime<FixedOffset>,
    /// The text gave a time of day (else `at` is midnight).
    pub has_time: bool,
    /// The time of day came with its seconds: of two readings of one minute, this one is
    /// the more precise.
    pub has_seconds: bool,
    /// The text gave an offset or zone name (else it was read in the caller's zone or UTC).
    pub has_zone: bool,
    /// The text was a numeric date whose day and month could be either way round
    /// (`4/6/2016`); it was read day first. See [`ParsedDate::swapped`].
    pub swappable: bool,
}

impl ParsedDate {
    /// The other reading of a [`swappable`](Self::swappable) date: day and month exchanged,
    /// the same wall-clock time in the same zone (`tz` for a text that gave none).
    pub fn swapped(&self, tz: Option<Tz>) -> Option<ParsedDate> {
        if !self.swappable {
            return None;
        }
        let local = self.at.naive_local();
        let date = NaiveDate::from_ymd_opt(local.year(), local.day(), local.month())?;
        let naive = NaiveDateTime::new(date, local.time());
        let at = if self.has_zone {
            self.at.offset().from_local_datetime(&naive).single()?
        } else {
            localize(naive, tz)?
        };
        Some(ParsedDate { at, ..*self })
    }
}

/// Parses a timestamp as real pages write it. A value without a zone is read in `tz`
/// (UTC when `None`). Returns `None` for anything that is not a date.
pub fn parse_date(text: &str, tz: Option<Tz>) -> Option<DateTime<FixedOffset>> {
    parse_date_detailed(text, tz).map(|p| p.at)
}

/// Like [`parse_date`], but also reports whether the text stated a time and a zone.
pub fn parse_date_detailed(text: &str, tz: Option<Tz>) -> Option<ParsedDate> {
    let text: String = text
        .chars()
        .take(MAX_INPUT_CHARS)
        .map(ascii_digit)
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    parse_iso(text, tz)
        .or_else(|| parse_epoch(text))
        .or_else(|| parse_rfc2822(text))
        .or_else(|| parse_textual(text, tz))
}

/// First code points of the runs of ten decimal digits pages write dates in besides ASCII:
/// Arabic-Indic, Persian (Extended Arabic-Indic), Devanagari, Bengali, fullwidth.
const DIGIT_ZEROS: [u32; 5] = [0x0660, 0x06F0, 0x0966, 0x09E6, 0xFF10];

/// `c` as an ASCII digit when it is a decimal digit of another script, else `c`.
fn ascii_digit(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let code = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find(|zero| (**zero..**zero + 10).contains(&code))
        .and_then(|zero| char::from_digit(code - zero, 10))
        .unwrap_or(c)
}

/// The parts of a timestamp before they are resolved to an instant.
struct Parts {
    date: NaiveDate,
    /// `date` was read day first from a numeric date that also reads month first.
    swappable: bool,
    time: Option<NaiveTime>,
    /// `time` was written with its seconds.
    seconds: bool,
    offset: Option<FixedOffset>,
}

fn finish(parts: Parts, tz: Option<Tz>) -> Option<ParsedDate> {
    let year = chrono::Datelike::year(&parts.date);
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    let naive = NaiveDateTime::new(parts.date, parts.time.unwrap_or(NaiveTime::MIN));
    let at = match parts.offset {
        Some(off) => off.from_local_datetime(&naive).single()?,
        None => localize(naive, tz)?,
    };
    Some(ParsedDate {
        at,
        has_time: parts.time.is_some(),
        has_seconds: parts.time.is_some() && parts.seconds,
        has_zone: parts.offset.is_some(),
        swappable: parts.swappable,
    })
}

/// Reads a wall-clock time in `tz`. An ambiguous time (DST fall-back) takes the earlier
/// instant; a time in the spring-forward gap is moved one hour on, as clocks do.
fn localize(naive: NaiveDateTime, tz: Option<Tz>) -> Option<DateTime<FixedOffset>> {
    let Some(tz) = tz else {
        return Some(Utc.from_utc_datetime(&naive).fixed_offset());
    };
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(d) => Some(d.fixed_offset()),
        LocalResult::Ambiguous(a, _) => Some(a.fixed_offset()),
        LocalResult::None => tz
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .map(|d| d.fixed_offset()),
    }
}

static ISO_EXTENDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^
        (\d{4})[-/.](\d{1,2})[-/.](\d{1,2})
        (?: (?:T|\s+|T\s+) (\d{1,2}):(\d{2}) (?: :(\d{2}) (?:[.,]\d+)? )?
            (?: \s* (?P<half>[AP])\.?M\.? (?:\s|$) )? )?
        \s* (?P<zone> Z | [+-]\d{2}(?::?\d{2})? | [A-Z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)? )?
        $",
    )
    .expect("valid regex")
});

static ISO_BASIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^
        (\d{4})(\d{2})(\d{2})
        (?: T (\d{2})(\d{2}) (?: (\d{2}) (?:[.,]\d+)? )? )?
        \s* (?P<zone> Z | [+-]\d{2}(?::?\d{2})? )?
        $",
    )
    .expect("valid regex")
});

/// ISO 8601 in extended and basic form, with the liberties pages take: a space for `T`, no
/// seconds, fractional seconds, a 12-hour clock with AM/PM, `+0000` or `+00` offsets, `Z`,
/// or a zone name.
fn parse_iso(text: &str, tz: Option<Tz>) -> Option<ParsedDate> {
    let caps = ISO_EXTENDED
        .captures(text)
        .or_else(|| ISO_BASIC.captures(text))?;
    let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let date = NaiveDate::from_ymd_opt(num(1)? as i32, num(2)?, num(3)?)?;
    let half = caps.name("half").map(|h| h.as_str().to_ascii_lowercase());
    let time = match num(4) {
        Some(h) => Some(NaiveTime::from_hms_opt(
            twelve_hour(h, half.as_deref()),
            num(5)?,
            num(6).unwrap_or(0),
        )?),
        None => None,
    };
    let offset = match caps.name("zone") {
        Some(z) => Some(zone_offset(z.as_str())?),
        None => None,
    };
    finish(
        Parts {
            date,
            swappable: false,
            time,
            seconds: caps.get(6).is_some(),
            offset,
        },
        tz,
    )
}

/// The 24-hour reading of `hour` on a 12-hour clock with `half` (`"a"` or `"p"`): 12 AM is
/// midnight, 12 PM noon, 3 PM 15. An hour past 12 is already on a 24-hour clock, whatever
/// marker follows it.
fn twelve_hour(hour: u32, half: Option<&str>) -> u32 {
    match half {
        Some("p") if hour < 12 => hour + 12,
        Some("a") if hour == 12 => 0,
        _ => hour,
    }
}

/// Unix time in seconds or milliseconds, as some analytics metas carry it.
fn parse_epoch(text: &str) -> Option<ParsedDate> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = text.parse().ok()?;
    let secs = match text.len() {
        10 => n,
        13 => n / 1000,
        _ => return None,
    };
    let at = DateTime::from_timestamp(secs, 0)?.fixed_offset();
    let year = chrono::Datelike::year(&at);
    (MIN_YEAR..=MAX_YEAR).contains(&year).then_some(ParsedDate {
        at,
        has_time: true,
        has_seconds: true,
        has_zone: true,
        swappable: false,
    })
}

fn parse_rfc2822(text: &str) -> Option<ParsedDate> {
    let at = DateTime::parse_from_rfc2822(text).ok()?;
    let year = chrono::Datelike::year(&at);
    (MIN_YEAR..=MAX_YEAR).contains(&year).then_some(ParsedDate {
        at,
        has_time: true,
        // `12:28` or `12:28:05`: seconds are optional in RFC 2822.
        has_seconds: text.matches(':').count() >= 2,
        has_zone: true,
        swappable: false,
    })
}

/// Resolves `Z`, `+0100`, `+01:00`, `+01`, `UTC`, `GMT+2` or a common zone abbreviation.
fn zone_offset(zone: &str) -> Option<FixedOffset> {
    let zone = zone.trim();
    let upper = zone.to_ascii_uppercase();
    if let Some(pos) = upper.find(['+', '-']) {
        let (name, num) = upper.split_at(pos);
        let base = if name.is_empty() {
            0
        } else {
            named_zone(name)?
        };
        let sign = if num.starts_with('-') { -1 } else { 1 };
        let digits: String = num[1..].chars().filter(|c| c.is_ascii_digit()).collect();
        let (h, m) = match digits.len() {
            1 | 2 => (digits.parse::<i32>().ok()?, 0),
            3 => (digits[..1].parse().ok()?, digits[1..].parse().ok()?),
            4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
            _ => return None,
        };
        if h > 14 || m > 59 {
            return None;
        }
        return FixedOffset::east_opt(base + sign * (h * 3600 + m * 60));
    }
    FixedOffset::east_opt(named_zone(&upper)?)
}

/// Seconds east of UTC for the zone abbreviations news pages print. Ambiguous ones (`IST`,
/// `CST` in China) are read the way English-language news sites most often mean them.
fn named_zone(name: &str) -> Option<i32> {
    let hours = match name {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => 0.0,
        "BST" | "CET" | "WEST" | "MEZ" => 1.0,
        "CEST" | "EET" | "MESZ" | "SAST" => 2.0,
        "EEST" | "MSK" | "AST" => 3.0,
        "IST" => 5.5,
        "PKT" => 5.0,
        "ICT" | "WIB" => 7.0,
        "HKT" | "SGT" | "AWST" | "PHT" => 8.0,
        "JST" | "KST" => 9.0,
        "ACST" => 9.5,
        "AEST" => 10.0,
        "AEDT" => 11.0,
        "NZST" => 12.0,
        "NZDT" => 13.0,
        "EDT" => -4.0,
        "EST" | "CDT" => -5.0,
        "CST" | "MDT" => -6.0,
        "MST" | "PDT" => -7.0,
        "PST" => -8.0,
        "AKST" => -9.0,
        "HST" => -10.0,
        _ => return None,
    };
    Some((hours * 3600.0) as i32)
}

/// Month names in the languages of most sites in our feeds; English also by 3+ letter prefix
/// ("Jan.", "Sept"). Other languages are listed in full, in the forms datelines use (the
/// genitive in Slavic languages, Finnish and Greek).
fn month_number(word: &str) -> Option<u32> {
    const ENGLISH: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if word.chars().count() >= 3 {
        if let Some(i) = ENGLISH.iter().position(|m| m.starts_with(word)) {
            return Some(i as u32 + 1);
        }
    }
    OTHER_MONTHS
        .iter()
        .position(|names| names.contains(&word))
        .map(|i| i as u32 + 1)
}

/// Month names other than English, one row per month: German, Dutch, French, Spanish,
/// Portuguese, Italian, Catalan, Romanian, Scandinavian, Indonesian, Polish, Czech, Russian,
/// Ukrainian, Turkish, Finnish, Greek, Arabic (the Egyptian/Gulf and the Levantine names).
const OTHER_MONTHS: [&[&str]; 12] = [
    &[
        "januar",
        "jänner",
        "januari",
        "janvier",
        "enero",
        "janeiro",
        "gennaio",
        "gener",
        "ianuarie",
        "stycznia",
        "styczeń",
        "ledna",
        "leden",
        "января",
        "січня",
        "ocak",
        "tammikuuta",
        "ιανουαρίου",
        "يناير",
    ],
    &[
        "februar",
        "februari",
        "février",
        "fevrier",
        "febrero",
        "fevereiro",
        "febbraio",
        "febrer",
        "februarie",
        "lutego",
        "luty",
        "února",
        "únor",
        "февраля",
        "лютого",
        "şubat",
        "helmikuuta",
        "φεβρουαρίου",
        "فبراير",
        "شباط",
    ],
    &[
        "märz",
        "maerz",
        "maart",
        "mars",
        "marzo",
        "março",
        "març",
        "martie",
        "marts",
        "maret",
        "marca",
        "marzec",
        "března",
        "březen",
        "марта",
        "березня",
        "mart",
        "maaliskuuta",
        "μαρτίου",
        "مارس",
        "آذار",
    ],
    &[
        "avril",
        "abril",
        "aprile",
        "aprilie",
        "kwietnia",
        "kwiecień",
        "dubna",
        "duben",
        "апреля",
        "квітня",
        "nisan",
        "huhtikuuta",
        "απριλίου",
        "أبريل",
        "إبريل",
        "ابريل",
        "نيسان",
    ],
    &[
        "mai",
        "mei",
        "mayo",
        "maio",
        "maggio",
        "maig",
        "maj",
        "maja",
        "května",
        "květen",
        "мая",
        "травня",
        "mayıs",
        "toukokuuta",
        "μαΐου",
        "مايو",
        "أيار",
        "ايار",
    ],
    &[
        "juni",
        "juin",
        "junio",
        "junho",
        "giugno",
        "juny",
        "iunie",
        "czerwca",
        "czerwiec",
        "června",
        "červen",
        "июня",
        "червня",
        "haziran",
        "kesäkuuta",
        "ιουνίου",
        "يونيو",
        "يونيه",
        "حزيران",
    ],
    &[
        "juli",
        "juillet",
        "julio",
        "julho",
        "luglio",
        "juliol",
        "iulie",
        "lipca",
        "lipiec",
        "července",
        "červenec",
        "июля",
        "липня",
        "temmuz",
        "heinäkuuta",
        "ιουλίου",
        "يوليو",
        "يوليه",
        "تموز",
    ],
    &[
        "augustus",
        "août",
        "aout",
        "agosto",
        "agost",
        "augusti",
        "agustus",
        "sierpnia",
        "sierpień",
        "srpna",
        "srpen",
        "августа",
        "серпня",
        "ağustos",
        "elokuuta",
        "αυγούστου",
        "أغسطس",
        "اغسطس",
        "آب",
    ],
    &[
        "septembre",
        "septiembre",
        "setembro",
        "settembre",
        "setembre",
        "septembrie",
        "września",
        "wrzesień",
        "září",
        "сентября",
        "вересня",
        "eylül",
        "syyskuuta",
        "σεπτεμβρίου",
        "سبتمبر",
        "أيلول",
        "ايلول",
    ],
    &[
        "oktober",
        "octobre",
        "octubre",
        "outubro",
        "ottobre",
        "octombrie",
        "października",
        "październik",
        "října",
        "říjen",
        "октября",
        "жовтня",
        "ekim",
        "lokakuuta",
        "οκτωβρίου",
        "أكتوبر",
        "اكتوبر",
    ],
    &[
        "novembre",
        "noviembre",
        "novembro",
        "noiembrie",
        "listopada",
        "listopad",
        "listopadu",
        "ноября",
        "листопада",
        "kasım",
        "marraskuuta",
        "νοεμβρίου",
        "نوفمبر",
    ],
    &[
        "dezember",
        "décembre",
        "decembre",
        "diciembre",
        "dezembro",
        "dicembre",
        "desembre",
        "decembrie",
        "desember",
        "grudnia",
        "grudzień",
        "prosince",
        "prosinec",
        "декабря",
        "грудня",
        "aralık",
        "joulukuuta",
        "δεκεμβρίου",
        "ديسمبر",
    ],
];

/// Levantine Arabic names of two words: `كانون الثاني` (January), `تشرين الأول` (October).
fn two_word_month(first: &str, second: &str) -> Option<u32> {
    let second_of_pair = match second {
        "الأول" | "الاول" => false,
        "الثاني" => true,
        _ => return None,
    };
    match (first, second_of_pair) {
        ("كانون", true) => Some(1),
        ("كانون", false) => Some(12),
        ("تشرين", false) => Some(10),
        ("تشرين", true) => Some(11),
        _ => None,
    }
}

/// Words that stand between a day and its month ("15 de abril de 2020", "the 3rd of May").
const DATE_CONNECTORS: [&str; 6] = ["de", "del", "d", "of", "the", "di"];

static TIME_OF_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*([ap])?\.?\s*(?:m\b\.?)?")
        .expect("valid regex")
});
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(\d{4})(?:[./-]|\s*[年년]\s*)(\d{1,2})(?:[./-]|\s*[月월]\s*)(\d{1,2})(?:\b|\s*[日일])
        | \b(\d{1,2})([./-])(\d{1,2})[./-](\d{4})\b
        | (?:^|[^.\d])(\d{1,2})\.(\d{1,2})\.(\d{2})(?:$|[^.\d])",
    )
    .expect("valid regex")
});
static ZONE_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\b(?:UTC|GMT)\s*[+-]\d{1,2}(?::?\d{2})?\b|[+-]\d{2}:?\d{2}\b|\b[A-Z]{2,5}\b)")
        .expect("valid regex")
});

/// Visible forms: "27 January 2026", "January 27, 2026 12:28 PM EST", "27. Januar 2026",
/// "12:28 GMT 27.01.2026", "2026/01/27". Numeric dates with the day and month ambiguous are
/// read day first, as most of the world writes them, unless that is impossible.
fn parse_textual(text: &str, tz: Option<Tz>) -> Option<ParsedDate> {
    let time_caps = TIME_OF_DAY.captures(text);
    // Blank the time out so its digits are not mistaken for a day.
    let (rest, time) = match &time_caps {
        Some(c) => {
            let m = c.get(0).expect("whole match");
            let hour: u32 = c[1].parse().ok()?;
            let minute: u32 = c[2].parse().ok()?;
            let second: u32 = c.get(3).map_or(Some(0), |s| s.as_str().parse().ok())?;
            let marker = c
                .get(4)
                .map(|a| a.as_str().to_ascii_lowercase())
                .or_else(|| arabic_half_day(&text[m.end()..]));
            let hour = twelve_hour(hour, marker.as_deref());
            let mut rest = text.to_string();
            rest.replace_range(m.range(), " ");
            (rest, NaiveTime::from_hms_opt(hour, minute, second))
        }
        None => (text.to_string(), None),
    };
    let seconds = time_caps.as_ref().is_some_and(|c| c.get(3).is_some());
    let (date, swappable) =
        numeric_date(&rest).or_else(|| named_month_date(&rest).map(|d| (d, false)))?;
    let offset = time.and_then(|_| {
        ZONE_TOKEN
            .find_iter(&rest)
            .find_map(|m| zone_offset(m.as_str()))
    });
    finish(
        Parts {
            date,
            swappable,
            time,
            seconds,
            offset,
        },
        tz,
    )
}

/// `"a"` or `"p"` when `rest` (the text after a time of day) starts with the Arabic for
/// morning (`ص`, `صباحاً`) or evening (`م`, `مساءً`).
fn arabic_half_day(rest: &str) -> Option<String> {
    let word = rest
        .trim_start()
        .split(|c: char| c.is_whitespace() || c == '.')
        .next()?;
    let word = word.trim_end_matches(['ً', 'ا']);
    match word {
        "م" | "مساء" => Some("p".into()),
        "ص" | "صباح" => Some("a".into()),
        _ => None,
    }
}

/// A numeric date, and whether its day and month could be read either way round.
fn numeric_date(text: &str) -> Option<(NaiveDate, bool)> {
    let c = NUMERIC_DATE.captures(text)?;
    if let Some(y) = c.get(1) {
        let date = NaiveDate::from_ymd_opt(
            y.as_str().parse().ok()?,
            c[2].parse().ok()?,
            c[3].parse().ok()?,
        )?;
        return Some((date, false));
    }
    if let Some(d) = c.get(8) {
        // `28.09.19`: day first, this century.
        let date = NaiveDate::from_ymd_opt(
            2000 + c[10].parse::<i32>().ok()?,
            c[9].parse().ok()?,
            d.as_str().parse().ok()?,
        )?;
        return Some((date, false));
    }
    let a: u32 = c[4].parse().ok()?;
    let b: u32 = c[6].parse().ok()?;
    let y: i32 = c[7].parse().ok()?;
    // Dotted dates are written day first; slashed and dashed ones either way.
    let either_way = &c[5] != "." && a != b && a <= 12;
    match NaiveDate::from_ymd_opt(y, b, a) {
        Some(date) => Some((date, either_way)),
        None => NaiveDate::from_ymd_opt(y, a, b).map(|date| (date, false)),
    }
}

fn named_month_date(text: &str) -> Option<NaiveDate> {
    let lower = text.to_lowercase();
    // Words and numbers in order; the day is the 1-2 digit number next to the month name,
    // connecting words ("de", "of") aside.
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let (mi, width, month) = tokens.iter().enumerate().find_map(|(i, t)| {
        let pair = tokens.get(i + 1).and_then(|next| two_word_month(t, next));
        pair.map(|m| (i, 2, m))
            .or_else(|| month_number(t).map(|m| (i, 1, m)))
    })?;
    let is_day = |t: &&str| t.len() <= 2 && t.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d));
    let day_of = |t: &str| {
        t.strip_suffix("st")
            .or_else(|| t.strip_suffix("nd"))
            .or_else(|| t.strip_suffix("rd"))
            .or_else(|| t.strip_suffix("th"))
            .unwrap_or(t)
            .to_string()
    };
    let is_connector = |t: &&&str| DATE_CONNECTORS.contains(*t);
    let before = tokens[..mi].iter().rev().find(|t| !is_connector(t));
    let after = tokens[mi + width..].iter().find(|t| !is_connector(t));
    let day = [before, after]
        .into_iter()
        .flatten()
        .map(|t| day_of(t))
        .find(|t| is_day(&t.as_str()))?
        .parse()
        .ok()?;
    let year = tokens
        .iter()
        .find(|t| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))?
        .parse()
        .ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> String {
        parse_date(text, None)
            .map(|d| d.to_rfc3339())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn rfc3339_keeps_its_offset() {
        assert_eq!(
            iso("2026-01-27T12:28:05+03:00"),
            "2026-01-27T12:28:05+03:00"
        );
        assert_eq!(iso("2026-01-27T12:28:05Z"), "2026-01-27T12:28:05+00:00");
    }

    #[test]
    fn minutes_only_with_colonless_offset_as_the_seed_writes_it() {
        assert_eq!(iso("2026-01-27T12:28+0000"), "2026-01-27T12:28:00+00:00");
        assert_eq!(iso("2026-01-27T12:28+0530"), "2026-01-27T12:28:00+05:30");
    }

    #[test]
    fn hour_only_offset() {
        assert_eq!(iso("2026-01-27T12:28:00+02"), "2026-01-27T12:28:00+02:00");
    }

    #[test]
    fn iso_basic_form() {
        assert_eq!(iso("20260127T1228+0000"), "2026-01-27T12:28:00+00:00");
        assert_eq!(iso("20260127T122805Z"), "2026-01-27T12:28:05+00:00");
        assert_eq!(iso("20260127"), "2026-01-27T00:00:00+00:00");
    }

    #[test]
    fn space_for_t_fractional_seconds_and_zone_name() {
        assert_eq!(
            iso("2026-01-27 12:28:05.123456"),
            "2026-01-27T12:28:05+00:00"
        );
        assert_eq!(iso("2026-01-27 12:28:05 UTC"), "2026-01-27T12:28:05+00:00");
        assert_eq!(iso("2026-01-27 12:28 EST"), "2026-01-27T12:28:00-05:00");
    }

    #[test]
    fn date_only_is_midnight_without_time() {
        let p = parse_date_detailed("2026-01-27", None).unwrap();
        assert_eq!(p.at.to_rfc3339(), "2026-01-27T00:00:00+00:00");
        assert!(!p.has_time && !p.has_zone);
    }

    #[test]
    fn rfc2822() {
        assert_eq!(
            iso("Tue, 27 Jan 2026 12:28:00 +0000"),
            "2026-01-27T12:28:00+00:00"
        );
        assert_eq!(iso("27 Jan 2026 12:28:00 GMT"), "2026-01-27T12:28:00+00:00");
    }

    #[test]
    fn zoneless_time_is_read_in_the_callers_zone_with_dst() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let winter = parse_date("2026-01-27T12:28:00", Some(berlin)).unwrap();
        assert_eq!(winter.to_rfc3339(), "2026-01-27T12:28:00+01:00");
        let summer = parse_date("2026-07-27T12:28:00", Some(berlin)).unwrap();
        assert_eq!(summer.to_rfc3339(), "2026-07-27T12:28:00+02:00");
        // 02:30 does not exist on the spring-forward night; clocks read 03:30.
        let gap = parse_date("2026-03-29T02:30:00", Some(berlin)).unwrap();
        assert_eq!(gap.to_rfc3339(), "2026-03-29T03:30:00+02:00");
        // An explicit offset wins over the caller's zone.
        let explicit = parse_date("2026-07-27T12:28:00Z", Some(berlin)).unwrap();
        assert_eq!(explicit.to_rfc3339(), "2026-07-27T12:28:00+00:00");
    }

    #[test]
    fn textual_forms() {
        assert_eq!(iso("27 January 2026"), "2026-01-27T00:00:00+00:00");
        assert_eq!(
            iso("January 27, 2026 12:28 PM EST"),
            "2026-01-27T12:28:00-05:00"
        );
        assert_eq!(iso("Jan. 27th, 2026, 1:05 pm"), "2026-01-27T13:05:00+00:00");
        assert_eq!(
            iso("27. Januar 2026, 12:28 Uhr"),
            "2026-01-27T12:28:00+00:00"
        );
        assert_eq!(iso("12:28 GMT 27.01.2026"), "2026-01-27T12:28:00+00:00");
        assert_eq!(iso("Published: 27/01/2026"), "2026-01-27T00:00:00+00:00");
        assert_eq!(iso("01/27/2026"), "2026-01-27T00:00:00+00:00");
        assert_eq!(iso("2026年01月27日 12:28"), "2026-01-27T12:28:00+00:00");
        assert_eq!(iso("2026년 1월 27일"), "2026-01-27T00:00:00+00:00");
        assert_eq!(iso("27.01.26 12:28"), "2026-01-27T12:28:00+00:00");
        assert_eq!(iso("Version 2.1.13.4"), "none");
        assert_eq!(iso("192.168.10.12"), "none");
    }

    #[test]
    fn connecting_words_between_day_and_month() {
        assert_eq!(
            iso("Jueves, 5 de marzo de 2026"),
            "2026-03-05T00:00:00+00:00"
        );
        assert_eq!(iso("o 9 de julho de 2025"), "2025-07-09T00:00:00+00:00");
        assert_eq!(iso("the 3rd of May, 2026"), "2026-05-03T00:00:00+00:00");
    }

    #[test]
    fn month_names_in_more_languages() {
        assert_eq!(iso("12 martie 2026, 16:20"), "2026-03-12T16:20:00+00:00");
        assert_eq!(iso("5 maja 2026"), "2026-05-05T00:00:00+00:00");
        assert_eq!(iso("27 января 2026 г."), "2026-01-27T00:00:00+00:00");
        assert_eq!(iso("3 Ekim 2025 Cuma"), "2025-10-03T00:00:00+00:00");
        assert_eq!(iso("27 Ιανουαρίου 2026"), "2026-01-27T00:00:00+00:00");
        assert_eq!(iso("14. joulukuuta 2025"), "2025-12-14T00:00:00+00:00");
    }

    #[test]
    fn arabic_dates_digits_and_half_days() {
        assert_eq!(
            iso("الخميس، 05 مارس 2026 - 08:15 م"),
            "2026-03-05T20:15:00+00:00"
        );
        assert_eq!(
            iso("السبت 7 شباط 2026 10:40 صباحاً"),
            "2026-02-07T10:40:00+00:00"
        );
        assert_eq!(iso("٢٧ يناير ٢٠٢٦"), "2026-01-27T00:00:00+00:00");
        assert_eq!(iso("3 تشرين الثاني 2025"), "2025-11-03T00:00:00+00:00");
        assert_eq!(iso("۱۴۰۴/۱۰/۰۷"), "none");
    }

    #[test]
    fn twelve_hour_clock_with_am_pm() {
        assert_eq!(iso("January 27, 2026 3:48 PM"), "2026-01-27T15:48:00+00:00");
        assert_eq!(
            iso("January 27, 2026 12:05 AM"),
            "2026-01-27T00:05:00+00:00"
        );
        assert_eq!(
            iso("January 27, 2026 12:30 PM"),
            "2026-01-27T12:30:00+00:00"
        );
        assert_eq!(iso("27/01/2026 3:48 p.m."), "2026-01-27T15:48:00+00:00");
        // ISO stamps with a 12-hour clock, which the zone-name slot used to swallow.
        assert_eq!(iso("2026-01-27T03:48:00 PM"), "2026-01-27T15:48:00+00:00");
        assert_eq!(iso("2026-01-27 12:05:09 AM"), "2026-01-27T00:05:09+00:00");
        assert_eq!(
            iso("2026-01-27 12:30 PM +03:00"),
            "2026-01-27T12:30:00+03:00"
        );
        assert_eq!(iso("2026-01-27 3:48PM EST"), "2026-01-27T15:48:00-05:00");
        // 15 PM is a 24-hour clock with a stray marker.
        assert_eq!(iso("2026-01-27 15:48 PM"), "2026-01-27T15:48:00+00:00");
    }

    #[test]
    fn seconds_are_reported_when_written() {
        let with = parse_date_detailed("2026-01-27T12:28:05+03:00", None).unwrap();
        let without = parse_date_detailed("2026-01-27T12:28+03:00", None).unwrap();
        assert!(with.has_seconds && !without.has_seconds);
        assert!(
            parse_date_detailed("27 January 2026, 12:28:05", None)
                .unwrap()
                .has_seconds
        );
        assert!(
            !parse_date_detailed("27 January 2026, 12:28", None)
                .unwrap()
                .has_seconds
        );
        assert!(!parse_date_detailed("2026-01-27", None).unwrap().has_seconds);
    }

    #[test]
    fn epoch_seconds_and_millis() {
        assert_eq!(iso("1769516880"), "2026-01-27T12:28:00+00:00");
        assert_eq!(iso("1769516880000"), "2026-01-27T12:28:00+00:00");
    }

    #[test]
    fn nonsense_is_rejected() {
        for text in [
            "",
            "   ",
            "yesterday",
            "0001-01-01T00:00:00Z",
            "1970-01-01",
            "9999-12-31",
            "2026-13-40",
            "2026-01-27T25:00",
            "2026-01-27T12:28+9900",
            "27 January",
            "12345",
        ] {
            assert_eq!(parse_date(text, None), None, "{text:?}");
        }
    }

    #[test]
    fn hostile_input_is_bounded() {
        let long = "2026-".repeat(100_000);
        assert_eq!(parse_date(&long, None), None);
    }
}
