//! The lead image: the page's declared picture, upgraded to its largest rendition on the
//! page when the two are the same picture.

use super::*;

impl Extractor<'_, '_> {
    pub(super) fn image(&mut self, ld: &[&Node]) -> Option<String> {
        let mut cands = self.meta_cands(&IMAGE_METAS[..3]);
        cands.extend(Self::ld_values(ld, "image", jsonld::image));
        cands.extend(self.meta_cands(&IMAGE_METAS[3..]));
        cands.extend(Self::ld_values(ld, "thumbnailUrl", jsonld::text));
        if let Some(href) = &self.s.image_src {
            cands.push(("<link rel=image_src>".to_string(), href.clone()));
        }
        let mut chosen: Option<(String, String)> = None;
        for (source, raw) in cands {
            match resolve_url(&raw, &self.s.base) {
                Some(u) => {
                    self.candidate("image", &source, &u);
                    if chosen.is_none() {
                        chosen = Some((source, u));
                    }
                }
                None => self.reject("image", source, &raw, "not an http(s) URL"),
            }
        }
        let (source, url) = chosen?;
        // Share images are often a cropped or shrunk rendition of the picture the article shows;
        // the page's own largest rendition of that same picture is the better lead image.
        if let Some(larger) = self.largest_rendition(&url) {
            self.note(
                "image",
                format!("article image (larger rendition of {source})"),
            );
            return Some(larger);
        }
        self.note("image", source);
        Some(url)
    }

    /// The widest rendition in the page's `<img>`/`<source>` elements of the same picture as
    /// `url`, when one is stated wider than any rendition equal to `url` and at least
    /// [`MIN_LEAD_WIDTH`] wide.
    fn largest_rendition(&self, url: &str) -> Option<String> {
        let key = picture_key(url)?;
        let mut best: Option<(u32, String)> = None;
        for el in &self.s.images {
            let e = el.value();
            let width_attr = e.attr("width").and_then(|w| w.trim().parse::<u32>().ok());
            let mut renditions = Vec::new();
            for attr in ["srcset", "data-srcset"] {
                if let Some(set) = e.attr(attr) {
                    renditions.extend(text::parse_srcset(set));
                }
            }
            // A preload's `x` densities have no `width` to scale: only stated widths count.
            if let Some(set) = e.attr("imagesrcset") {
                renditions.extend(text::srcset_widths(set));
            }
            // Beside a `srcset` stating widths, `src` is the fallback and `width` the layout
            // size (often the original's, `width="3000"`), not the fallback's width.
            let src_width = if renditions.iter().any(|(_, w)| *w > 0) {
                0
            } else {
                width_attr.unwrap_or(0)
            };
            for attr in ["data-src", "data-lazy-src", "data-original", "src"] {
                if let Some(src) = e.attr(attr) {
                    renditions.push((src.trim().to_string(), src_width));
                }
            }
            for (raw, width) in renditions {
                if width == 0 || picture_key(&raw).as_deref() != Some(key.as_str()) {
                    continue;
                }
                let Some(u) = resolve_url(&raw, &self.s.base) else {
                    continue;
                };
                if best.as_ref().is_none_or(|(w, _)| width > *w) {
                    best = Some((width, u));
                }
            }
        }
        best.filter(|(w, _)| *w >= MIN_LEAD_WIDTH)
            .map(|(_, u)| u)
            .filter(|u| u != url)
    }
}

/// What identifies a picture across its renditions: the longest run of letters and digits (at
/// least [`MIN_PICTURE_TOKEN`] long) in the file name of its URL, lower-cased. Renditions
/// differ in size parts (`1200x675_`, `w1200`) and folders, not in the picture's own name or id.
/// A file name without such a run falls back on an id in the folders ([`folder_picture_id`]).
fn picture_key(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let file = path.trim_end_matches('/').rsplit('/').next()?;
    let file = file.replace("%2F", "/").replace("%2f", "/");
    let file = file.rsplit('/').next()?;
    file.split(|c: char| !c.is_alphanumeric())
        .filter(|t| t.chars().count() >= MIN_PICTURE_TOKEN)
        .filter(|t| !is_size_token(t))
        .max_by_key(|t| t.len())
        .map(str::to_lowercase)
        .or_else(|| folder_picture_id(path))
}

/// A picture id in the folders of a path whose file name names only a size or a format
/// (`/images/44152f97b643491cb91f2aeeac1e25f5/16x9/original.jpg`): a long run mixing letters
/// and digits, as hashes and ids do and folder words do not.
fn folder_picture_id(path: &str) -> Option<String> {
    let path = match path.find("//") {
        Some(i) => path[i + 2..].split_once('/')?.1,
        None => path,
    };
    path.split(|c: char| !c.is_alphanumeric())
        .filter(|t| t.len() >= MIN_FOLDER_ID)
        .filter(|t| {
            t.bytes().any(|b| b.is_ascii_digit()) && t.bytes().any(|b| b.is_ascii_alphabetic())
        })
        .max_by_key(|t| t.len())
        .map(str::to_lowercase)
}

/// Shortest run of letters and digits in a folder name that is taken for a picture's id.
const MIN_FOLDER_ID: usize = 16;

/// A rendition narrower than this is a thumbnail or a blurred placeholder, not a lead picture.
const MIN_LEAD_WIDTH: u32 = 400;

/// Shortest file-name token that identifies a picture rather than a size or a format.
const MIN_PICTURE_TOKEN: usize = 8;

/// `1920x1080`, `w1200`, `1200w`: a size, shared by unrelated pictures.
fn is_size_token(t: &str) -> bool {
    let t = t.to_ascii_lowercase();
    let digits_and = |allowed: &[char]| {
        t.chars()
            .all(|c| c.is_ascii_digit() || allowed.contains(&c))
    };
    digits_and(&['x', 'w', 'h', '_'])
}
