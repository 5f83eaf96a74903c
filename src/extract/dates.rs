//! The publication and update times: structured data first, then datelines and visible
//! dates, with the page's own zone (or the feed's `timezone`) for times written without one.

use super::*;

/// The visible-text date scan looks at this many nodes at most.
const MAX_SCANNED_NODES: usize = 20_000;

/// A text longer than this is a sentence, not a dateline.
const MAX_DATELINE_CHARS: usize = 80;

/// A text up to this long is little more than a date.
const SHORT_DATELINE_CHARS: usize = 32;

/// Elements whose text is not shown to readers.
const NON_VISIBLE: [&str; 7] = [
    "script", "style", "noscript", "template", "title", "textarea", "option",
];

impl Extractor<'_, '_> {
    /// Parses dated candidates in order, recording failures.
    fn dated(
        &mut self,
        field: &'static str,
        cands: Vec<(String, String)>,
    ) -> Vec<(String, ParsedDate)> {
        let mut out = Vec::new();
        for (source, raw) in cands {
            match parse_date_detailed(&raw, self.tz) {
                Some(p) => out.push((source, p)),
                None => self.reject(field, source, &raw, "not a date"),
            }
        }
        out
    }

    /// Takes the first candidate; when it lacks a time or a zone, a later candidate on the
    /// same calendar date that has them refines it.
    fn choose_date(
        &mut self,
        field: &'static str,
        dated: Vec<(String, ParsedDate)>,
    ) -> Option<ParsedDate> {
        let (mut source, mut best) = dated.first().cloned()?;
        for (src, p) in dated.iter().skip(1) {
            let precision = |p: &ParsedDate| u8::from(p.has_time) * 2 + u8::from(p.has_zone);
            // The same minute written with its seconds is the more precise reading of it
            // (`12:28` in a meta, `12:28:41` in JSON-LD): the shorter one must not win by
            // coming first.
            let same_minute = best.has_time
                && !best.has_seconds
                && p.has_seconds
                && (p.at - best.at).num_seconds().abs() < 60
                && p.at.timestamp() / 60 == best.at.timestamp() / 60;
            if p.at.date_naive() == best.at.date_naive() && precision(p) > precision(&best) {
                source = format!("{src} (refining {source})");
                best = *p;
            } else if same_minute && precision(p) >= precision(&best) {
                source = format!("{src} (seconds of {source})");
                best = *p;
            }
        }
        // A UTC stamp says less than the same instant in the newsroom's offset, whose wall
        // clock and calendar date are the ones readers saw.
        if best.has_zone && best.at.offset().local_minus_utc() == 0 {
            if let Some((src, p)) = dated.iter().find(|(_, p)| {
                p.has_time
                    && p.has_zone
                    && p.at.offset().local_minus_utc() != 0
                    && (p.at - best.at).num_seconds().abs() < 60
            }) {
                source = format!("{src} (same instant as {source})");
                // The offset of the local stamp, the instant of whichever of the two kept
                // its seconds.
                let at = if p.has_seconds && !best.has_seconds {
                    p.at
                } else {
                    best.at.with_timezone(p.at.offset())
                };
                best = ParsedDate {
                    at,
                    has_seconds: best.has_seconds || p.has_seconds,
                    ..*p
                };
            }
        }
        if best.has_time {
            if let Some((src, at)) = self.wall_clock_reading(&best, &dated) {
                source = format!("{source} (in the offset of {src})");
                best = ParsedDate {
                    at,
                    has_zone: true,
                    swappable: false,
                    ..best
                };
            }
        }
        self.note(field, source);
        Some(best)
    }

    /// A page often states the publication time twice, as a UTC stamp and as the newsroom's
    /// wall clock without a zone (a meta, a `<time>`, a script variable). When the two differ by
    /// a whole UTC offset (a multiple of 15 minutes, at most 14 hours, so minutes and seconds
    /// agree), that offset is the newsroom's: the result is the UTC stamp's instant shown in
    /// it, whose calendar date is the one readers saw. `best` is either of the two.
    fn wall_clock_reading(
        &self,
        best: &ParsedDate,
        dated: &[(String, ParsedDate)],
    ) -> Option<(String, DateTime<FixedOffset>)> {
        let is_utc = |p: &ParsedDate| p.has_zone && p.at.offset().local_minus_utc() == 0;
        if !is_utc(best) && best.has_zone {
            return None;
        }
        let scripts = self
            .s
            .script_stamps
            .iter()
            .filter_map(|v| parse_date_detailed(v, self.tz))
            .map(|p| ("script variable".to_string(), p));
        let others = dated
            .iter()
            .cloned()
            .chain(scripts)
            .filter(|(_, p)| p.has_time);
        for (src, other) in others {
            let (utc, local) = match (is_utc(best), other.has_zone) {
                (true, false) => (best, &other),
                (false, true) if is_utc(&other) => (&other, best),
                _ => continue,
            };
            let diff = (local.at.naive_local() - utc.at.naive_utc()).num_seconds();
            if diff != 0 && diff.abs() <= 14 * 3600 && diff % 900 == 0 {
                let offset = FixedOffset::east_opt(i32::try_from(diff).ok()?)?;
                return Some((src, utc.at.with_timezone(&offset)));
            }
        }
        None
    }

    pub(super) fn published(&mut self, ld: &[&Node]) -> Option<ParsedDate> {
        let mut cands = Self::ld_values(&ld[..ld.len().min(1)], "datePublished", jsonld::text);
        cands.extend(self.meta_cands(&PUBLISHED_METAS));
        let mut times: Vec<&(String, bool)> = self.s.times.iter().filter(|t| t.1).collect();
        times.extend(self.s.times.iter().filter(|t| !t.1));
        cands.extend(
            times
                .into_iter()
                .map(|(v, _)| ("<time datetime>".to_string(), v.clone())),
        );
        cands.extend(Self::ld_values(ld, "datePublished", jsonld::text));
        cands.extend(Self::ld_values(ld, "dateCreated", jsonld::text));
        if let Some(d) = url_date(&self.out.article.url).or_else(|| url_date(self.s.base.as_str()))
        {
            cands.push(("url".to_string(), d));
        }
        let mut dated = self.dated("published", cands);
        if dated.is_empty() || dated.iter().all(|(_, p)| !p.has_time) {
            dated.extend(self.datelines());
        }
        if dated.is_empty() || dated.iter().all(|(_, p)| !p.has_time) {
            dated.extend(self.visible_dates());
        }
        if dated.is_empty() {
            let mut late = Self::ld_values(ld, "dateModified", jsonld::text);
            late.extend(self.meta_cands(&MODIFIED_METAS));
            dated = self.dated("published", late);
        }
        self.settle_day_month(&mut dated);
        let best = self.choose_date("published", dated)?;
        Some(self.local_midnight(best))
    }

    /// A date-only value stored as local midnight east of UTC becomes a UTC stamp on the day
    /// before (`2021-11-04T23:00Z` for 5 November at +01:00). When the page's dateline states
    /// the next day and the stamp is midnight there in a plausible offset (at most 14 hours,
    /// whole quarter hours), that is the reading in which both agree: the same instant, shown
    /// as midnight of the date the page shows.
    fn local_midnight(&mut self, best: ParsedDate) -> ParsedDate {
        let utc = best.at.naive_utc();
        let to_midnight = 86_400 - i64::from(utc.time().num_seconds_from_midnight());
        if !best.has_zone
            || best.at.offset().local_minus_utc() != 0
            || to_midnight > 14 * 3600
            || to_midnight % 900 != 0
        {
            return best;
        }
        let next_day = utc.date().succ_opt();
        let shown = self
            .datelines()
            .into_iter()
            .find(|(_, p)| !p.has_time && Some(p.at.date_naive()) == next_day);
        let (Some((src, _)), Ok(secs)) = (shown, i32::try_from(to_midnight)) else {
            return best;
        };
        let Some(offset) = FixedOffset::east_opt(secs) else {
            return best;
        };
        if let Some(note) = self
            .out
            .sources
            .iter_mut()
            .rev()
            .find(|p| p.field == "published")
        {
            note.source = format!("{} (local midnight of the {src})", note.source);
        }
        ParsedDate {
            at: best.at.with_timezone(&offset),
            ..best
        }
    }

    /// When the first candidate is a numeric date that reads both ways (`4/6/2016`, taken day
    /// first), another source on the page (a `<time>`, a dateline, the URL) that states the
    /// other reading, while none states this one, decides the order.
    fn settle_day_month(&mut self, dated: &mut [(String, ParsedDate)]) {
        let Some((source, first)) = dated.first() else {
            return;
        };
        let Some(other) = first.swapped(self.tz) else {
            return;
        };
        let mut evidence: Vec<(String, ParsedDate)> = dated[1..].to_vec();
        evidence.extend(self.datelines());
        evidence.extend(self.visible_dates());
        let plain = evidence.iter().filter(|(_, p)| !p.swappable);
        let states = |d: &ParsedDate| {
            plain
                .clone()
                .find(|(_, p)| p.at.date_naive() == d.at.date_naive())
        };
        if states(first).is_some() {
            return;
        }
        if let Some((by, _)) = states(&other) {
            dated[0] = (format!("{source} (day and month as {by} has them)"), other);
        }
    }

    /// Dates read from the visible text of dateline-like elements.
    fn datelines(&mut self) -> Vec<(String, ParsedDate)> {
        let mut out = Vec::new();
        for el in &self.s.datelines {
            let text: String = el.text().take(20).collect::<String>();
            if text.chars().count() > 120 || is_bare_number(&text) {
                continue;
            }
            if let Some(p) = parse_date_detailed(&text, self.tz) {
                out.push(("dateline".to_string(), p));
            }
        }
        out
    }

    /// Short visible texts that read as a date. Datelines sit after the first `<h1>`, so
    /// those come first, and texts that are little more than a date (a dateline) beat longer
    /// ones (a caption or a sentence that mentions a date).
    fn visible_dates(&self) -> Vec<(String, ParsedDate)> {
        // [after h1 short, after h1 long, before h1 short, before h1 long]
        let mut found: [Option<ParsedDate>; 4] = [None; 4];
        let mut seen_h1 = false;
        for node in self.s.root.descendants().take(MAX_SCANNED_NODES) {
            match node.value() {
                scraper::Node::Element(e) if e.name() == "h1" => seen_h1 = true,
                scraper::Node::Text(t) => {
                    let mut text = t.trim();
                    let mut len = text.chars().count();
                    if len > MAX_DATELINE_CHARS {
                        // A paragraph led by its dateline: "27.1.2026 - The council ...".
                        let Some(lead) = leading_dateline(text) else {
                            continue;
                        };
                        text = lead;
                        len = MAX_DATELINE_CHARS;
                    }
                    if len < 6 || !text.bytes().any(|b| b.is_ascii_digit()) || is_bare_number(text)
                    {
                        continue;
                    }
                    let slot = usize::from(!seen_h1) * 2 + usize::from(len > SHORT_DATELINE_CHARS);
                    if found[slot].is_some() {
                        continue;
                    }
                    let parent = node.parent().and_then(ElementRef::wrap);
                    if parent.is_some_and(|p| NON_VISIBLE.contains(&p.value().name())) {
                        continue;
                    }
                    found[slot] = parse_date_detailed(text, self.tz);
                    if found[0].is_some() {
                        break;
                    }
                }
                _ => {}
            }
        }
        found
            .into_iter()
            .flatten()
            .map(|p| ("visible text".to_string(), p))
            .collect()
    }

    pub(super) fn updated(&mut self, ld: &[&Node]) -> Option<ParsedDate> {
        let mut cands = Self::ld_values(ld, "dateModified", jsonld::text);
        cands.extend(self.meta_cands(&MODIFIED_METAS));
        let dated = self.dated("updated", cands);
        self.choose_date("updated", dated)
    }
}

/// The dateline that opens a paragraph, before a spaced dash (`27.1.2026 - Text`,
/// `BERLIN, 27. Januar 2026 – Text`), if it is short.
fn leading_dateline(text: &str) -> Option<&str> {
    let (i, _) = text
        .char_indices()
        .take(SHORT_DATELINE_CHARS + 2)
        .skip(1)
        .find(|(_, c)| matches!(c, '-' | '–' | '—'))?;
    let (lead, rest) = text.split_at(i);
    (lead.ends_with(' ') && rest[rest.chars().next()?.len_utf8()..].starts_with(' '))
        .then(|| lead.trim_end())
}

/// A visible text of digits only is a count, a phone number or an id; only structured data
/// writes dates as bare numbers (Unix time, `20260127`).
fn is_bare_number(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        /((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$|[^\d])
        | [/_-]((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[/_.-]|$)
        | /((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|$)",
    )
    .expect("valid regex")
});

/// A date written in a URL path (`/2026/01/27/`, `/2026-01-27-`, `/20260127/`) as `YYYY-MM-DD`.
fn url_date(url: &str) -> Option<String> {
    let path = Url::parse(url).ok()?.path().to_string();
    let c = URL_DATE.captures(&path)?;
    let g = |i: usize| c.get(i).map(|m| m.as_str());
    let (y, m, d) = g(1)
        .map(|y| (y, g(2), g(3)))
        .or_else(|| g(4).map(|y| (y, g(5), g(6))))
        .or_else(|| g(7).map(|y| (y, g(8), g(9))))?;
    let (m, d): (u32, u32) = (m?.parse().ok()?, d?.parse().ok()?);
    Some(format!("{y}-{m:02}-{d:02}"))
}
