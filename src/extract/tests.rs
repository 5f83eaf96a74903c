//! One hand-written page per extraction rule.

use super::*;

fn run(html: &str, url: &str) -> Extraction {
    let url = Url::parse(url).unwrap();
    let explained = extract_explained(html, &url, None);
    // Explaining changes what is recorded, never what is chosen.
    let plain = extract(html, &url, None);
    assert_eq!(plain.article, explained.article);
    assert_eq!(plain.sources, explained.sources);
    assert!(plain.candidates.is_empty() && plain.rejected.is_empty());
    explained
}

fn source_of<'a>(ex: &'a Extraction, field: &str) -> &'a str {
    ex.sources
        .iter()
        .find(|p| p.field == field)
        .map_or("", |p| p.source.as_str())
}

const PAGE: &str = "https://news.example/20260127/ministers-meet-1234.html";

/// Modelled on the seed page: JSON-LD with minute-precision `+0000` times, an image array of
/// crops, keywords twice, `en_EN`, a publisher block, and a `<title>` with the site suffix.
const SEED_LIKE: &str = r#"<!doctype html><html lang="en">
<head>
<title>Ministers Agree to Meet Again - Defence Chief - Example International</title>
<meta name="keywords" content="ministers, talks, defence">
<meta property="og:site_name" content="Example International">
<meta property="og:title" content="Ministers Agree to Meet Again - Defence Chief">
<meta name="description" content="Two ministers said on Tuesday they would meet again.">
<link rel="canonical" href="https://news.example/20260127/ministers-meet-1234.html">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Ministers Agree to Meet Again - Defence Chief",
 "description": "Two ministers said on Tuesday they would meet again.",
 "datePublished": "2026-01-27T12:28+0000", "dateModified": "2026-01-27T13:05+0000",
 "keywords": "ministers, talks, defence", "inLanguage": "en_EN",
 "articleSection": "World",
 "author": {"@type": "Organization", "name": "Example International"},
 "image": [
   {"@type": "ImageObject", "url": "https://cdn.example/img/1_1920x1080.jpg", "width": 1920, "height": 1080, "representativeOfPage": true},
   {"@type": "ImageObject", "url": "https://cdn.example/img/1_1920x1440.jpg", "width": 1920, "height": 1440, "representativeOfPage": true}
 ],
 "publisher": {"@type": "Organization", "name": "Example International",
   "logo": {"@type": "ImageObject", "url": "https://news.example/logo.png", "width": 252, "height": 60}}}
</script>
</head><body><h1>Ministers Agree to Meet Again - Defence Chief</h1>
<div class="article__info-date">12:28 GMT 27.01.2026</div></body></html>"#;

#[test]
fn seed_like_page_yields_every_field() {
    let ex = run(SEED_LIKE, PAGE);
    let a = &ex.article;
    assert_eq!(a.url, PAGE);
    assert_eq!(
        a.title.as_deref(),
        Some("Ministers Agree to Meet Again - Defence Chief")
    );
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-27T12:28:00+00:00"
    );
    assert_eq!(a.updated.unwrap().to_rfc3339(), "2026-01-27T13:05:00+00:00");
    assert_eq!(
        a.image.as_deref(),
        Some("https://cdn.example/img/1_1920x1080.jpg")
    );
    assert_eq!(a.keywords, ["ministers", "talks", "defence"]);
    assert_eq!(
        a.description.as_deref(),
        Some("Two ministers said on Tuesday they would meet again.")
    );
    assert_eq!(a.author.as_deref(), Some("Example International"));
    assert_eq!(a.language.as_deref(), Some("en"));
    assert_eq!(a.section.as_deref(), Some("World"));
    assert_eq!(
        source_of(&ex, "published"),
        "json-ld NewsArticle.datePublished"
    );
    assert_eq!(source_of(&ex, "url"), "<link rel=canonical>");
}

#[test]
fn graph_and_top_level_arrays_are_searched() {
    let graph = r#"<script type="application/ld+json">{"@graph": [
        {"@type": "WebSite", "name": "Ex"},
        {"@type": "BlogPosting", "headline": "From the graph", "datePublished": "2026-01-27"}]}</script>"#;
    let ex = run(graph, PAGE);
    assert_eq!(ex.article.title.as_deref(), Some("From the graph"));
    assert_eq!(source_of(&ex, "title"), "json-ld BlogPosting.headline");

    let array = r#"<script type="application/ld+json">[{"@type": "BreadcrumbList"},
        {"@type": "ReportageNewsArticle", "headline": "From the array"}]</script>"#;
    assert_eq!(
        run(array, PAGE).article.title.as_deref(),
        Some("From the array")
    );
}

#[test]
fn malformed_json_ld_is_repaired() {
    let html = "<script type=\"application/ld+json\"><!--\n{\"@type\": \"NewsArticle\",\n\"headline\": \"Broken\nacross lines\",\n\"keywords\": [\"a\", \"b\",],}\n--></script>";
    let ex = run(html, PAGE);
    assert_eq!(ex.article.title.as_deref(), Some("Broken across lines"));
    assert_eq!(ex.article.keywords, ["a", "b"]);
}

#[test]
fn unreadable_json_ld_falls_back_to_metas() {
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>
        <meta property="og:title" content="From OpenGraph">"#;
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("From OpenGraph")
    );
}

#[test]
fn opengraph_and_article_metas() {
    let html = r#"<head>
        <meta property="og:title" content="OG headline">
        <meta property="og:description" content="OG summary">
        <meta property="og:image" content="/img/lead.jpg">
        <meta property="article:published_time" content="2026-01-27T12:28:00+01:00">
        <meta property="article:modified_time" content="2026-01-28T08:00:00+01:00">
        <meta property="article:tag" content="Energy">
        <meta property="article:tag" content="Oil; Prices">
        <meta property="article:section" content="Business">
        <meta property="article:author" content="https://social.example/someone">
        <meta name="parsely-author" content="Jane Doe">
        </head>"#;
    let ex = run(html, PAGE);
    let a = &ex.article;
    assert_eq!(a.title.as_deref(), Some("OG headline"));
    assert_eq!(a.description.as_deref(), Some("OG summary"));
    assert_eq!(
        a.image.as_deref(),
        Some("https://news.example/img/lead.jpg")
    );
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-27T12:28:00+01:00"
    );
    assert_eq!(a.updated.unwrap().to_rfc3339(), "2026-01-28T08:00:00+01:00");
    assert_eq!(a.keywords, ["Energy", "Oil", "Prices"]);
    assert_eq!(a.section.as_deref(), Some("Business"));
    // The profile URL in article:author is not a name.
    assert_eq!(a.author.as_deref(), Some("Jane Doe"));
    assert!(ex.rejected.iter().any(|r| r.field == "author"));
}

#[test]
fn twitter_cards_fill_gaps() {
    let html = r#"<meta name="twitter:title" content="Tweet title">
        <meta name="twitter:description" content="Tweet text">
        <meta name="twitter:image" content="//cdn.example/t.jpg">"#;
    let a = run(html, PAGE).article;
    assert_eq!(a.title.as_deref(), Some("Tweet title"));
    assert_eq!(a.description.as_deref(), Some("Tweet text"));
    assert_eq!(a.image.as_deref(), Some("https://cdn.example/t.jpg"));
}

#[test]
fn news_keywords_when_keywords_absent() {
    let html = r#"<meta name="news_keywords" content="floods , Rain,rain, ,storms">"#;
    assert_eq!(
        run(html, PAGE).article.keywords,
        ["floods", "Rain", "storms"]
    );
}

#[test]
fn json_ld_keyword_array_and_author_list() {
    let html = r#"<script type="application/ld+json">{"@type": "Article",
        "keywords": ["Alpha", "beta", "ALPHA"],
        "author": [{"@type": "Person", "name": "A. Writer"}, {"@type": "Person", "name": "B. Writer"}]}</script>"#;
    let a = run(html, PAGE).article;
    assert_eq!(a.keywords, ["Alpha", "beta"]);
    assert_eq!(a.author.as_deref(), Some("A. Writer, B. Writer"));
}

#[test]
fn microdata_date_published() {
    let html = r#"<article><span itemprop="datePublished" content="2026-01-27T09:00:00-05:00">Jan 27</span></article>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T09:00:00-05:00"
    );
    assert_eq!(source_of(&ex, "published"), "meta itemprop=datepublished");
}

#[test]
fn time_element_marked_pubdate_wins_over_other_times() {
    let html = r#"<header><time datetime="2026-02-01">Today</time></header>
        <article><time pubdate datetime="2026-01-27T12:28:00Z">27 Jan</time></article>"#;
    let a = run(html, "https://news.example/story").article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-27T12:28:00+00:00"
    );
}

#[test]
fn url_date_is_a_fallback_below_structured_data() {
    let a = run(
        "<p>no metadata</p>",
        "https://news.example/2026/01/27/story",
    )
    .article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-27T00:00:00+00:00"
    );
    let a = run("<p>no metadata</p>", PAGE).article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-27T00:00:00+00:00"
    );
    let html = r#"<meta property="article:published_time" content="2026-01-26T23:00:00Z">"#;
    let a = run(html, "https://news.example/2026/01/27/story").article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-26T23:00:00+00:00"
    );
}

#[test]
fn url_date_is_refined_by_a_same_day_dateline() {
    let html = r#"<div class="post-date">27 January 2026, 14:05 GMT</div>"#;
    let a = run(html, "https://news.example/2026/01/27/story").article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-27T14:05:00+00:00"
    );
}

#[test]
fn visible_dateline_when_nothing_else() {
    let html = r#"<span class="date">Posted January 27, 2026</span>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T00:00:00+00:00"
    );
    assert_eq!(source_of(&ex, "published"), "dateline");
}

#[test]
fn published_prefers_date_published_over_date_modified() {
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "dateModified": "2026-01-28T10:00:00Z", "datePublished": "2026-01-27T10:00:00Z"}</script>"#;
    let a = run(html, "https://news.example/story").article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-27T10:00:00+00:00"
    );
    assert_eq!(a.updated.unwrap().to_rfc3339(), "2026-01-28T10:00:00+00:00");
}

#[test]
fn date_modified_is_the_last_resort_for_published() {
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "dateModified": "2026-01-28T10:00:00Z"}</script>"#;
    let a = run(html, "https://news.example/story").article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-28T10:00:00+00:00"
    );
}

#[test]
fn date_only_candidate_is_refined_by_a_same_day_timestamp() {
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "datePublished": "2026-01-27"}</script>
        <meta property="article:published_time" content="2026-01-27T08:15:00+02:00">"#;
    let a = run(html, "https://news.example/story").article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-27T08:15:00+02:00"
    );
}

#[test]
fn zoneless_times_are_read_in_the_given_zone() {
    let html = r#"<meta property="article:published_time" content="2026-07-01T10:00:00">"#;
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    let ex = extract(html, &Url::parse(PAGE).unwrap(), Some(tz));
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-07-01T10:00:00+02:00"
    );
}

#[test]
fn canonical_is_resolved_and_bad_ones_fall_back() {
    let html = r#"<link rel="canonical" href="/world/story">"#;
    assert_eq!(
        run(html, PAGE).article.url,
        "https://news.example/world/story"
    );
    let html = r#"<link rel="canonical" href="javascript:void(0)">
        <meta property="og:url" content="https://news.example/og">"#;
    assert_eq!(run(html, PAGE).article.url, "https://news.example/og");
    let html = r#"<link rel="canonical" href="ftp://files.example/x">"#;
    let ex = run(html, PAGE);
    assert_eq!(ex.article.url, PAGE);
    assert_eq!(source_of(&ex, "url"), "page url");
}

#[test]
fn base_href_is_honoured_for_relative_urls() {
    let html =
        r#"<base href="https://static.example/site/"><meta property="og:image" content="a.jpg">"#;
    assert_eq!(
        run(html, PAGE).article.image.as_deref(),
        Some("https://static.example/site/a.jpg")
    );
}

#[test]
fn language_from_html_lang_else_json_ld_else_og_locale() {
    assert_eq!(
        run(r#"<html lang="pt-BR">"#, PAGE)
            .article
            .language
            .as_deref(),
        Some("pt-br")
    );
    let html = r#"<script type="application/ld+json">{"@type": "Article", "inLanguage": "de_DE"}</script>"#;
    assert_eq!(run(html, PAGE).article.language.as_deref(), Some("de"));
    let html = r#"<meta property="og:locale" content="fr_FR">"#;
    assert_eq!(run(html, PAGE).article.language.as_deref(), Some("fr"));
}

#[test]
fn title_tag_loses_site_suffix_from_site_name() {
    let html = r#"<title>Storm Closes Coastal Road | The Daily Example</title>
        <meta property="og:site_name" content="The Daily Example">"#;
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("Storm Closes Coastal Road")
    );
}

#[test]
fn title_tag_loses_short_suffix_that_h1_lacks() {
    let html = r#"<title>Storm Closes Coastal Road for a Week - TDE</title>
        <body><h1>Storm Closes Coastal Road for a Week</h1></body>"#;
    let ex = run(html, PAGE);
    // The h1 itself is preferred; the <title> rule matters when the h1 is not usable.
    assert_eq!(
        ex.article.title.as_deref(),
        Some("Storm Closes Coastal Road for a Week")
    );
    let html = r#"<title>Storm Closes Coastal Road for a Week - TDE</title>"#;
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("Storm Closes Coastal Road for a Week - TDE")
    );
}

#[test]
fn entities_in_json_ld_are_decoded() {
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "headline": "Q&amp;A: &quot;It&#39;s over&quot;"}</script>"#;
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("Q&A: \"It's over\"")
    );
}

#[test]
fn related_articles_in_json_ld_do_not_win_over_this_page() {
    let html = r#"<script type="application/ld+json">[
        {"@type": "NewsArticle", "url": "https://news.example/other", "headline": "Other"},
        {"@type": "NewsArticle", "url": "https://news.example/story", "headline": "This one"}]</script>"#;
    let a = run(html, "https://news.example/story").article;
    assert_eq!(a.title.as_deref(), Some("This one"));
}

#[test]
fn hostile_values_are_capped() {
    let long = "word ".repeat(100_000);
    let html = format!(
        r#"<meta property="og:title" content="{long}"><meta name="description" content="{long}">
        <meta name="keywords" content="{}">"#,
        (0..1000)
            .map(|i| format!("k{i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let a = run(&html, PAGE).article;
    assert!(a.title.unwrap().chars().count() <= text::MAX_TITLE_CHARS);
    assert!(a.description.unwrap().chars().count() <= text::MAX_DESCRIPTION_CHARS);
    assert_eq!(a.keywords.len(), text::MAX_KEYWORDS);
}

#[test]
fn garbage_never_panics() {
    for html in [
        "",
        "<",
        "\u{0}\u{1}\u{2}",
        "<script type=application/ld+json>[[[[[[[[[[[[</script>",
        "<script type=application/ld+json>{\"@graph\": {\"@graph\": {\"@graph\": 1}}}</script>",
        "<meta property=og:image content='http://[::1'>",
        "<title>İİİİ - İ</title><meta property=og:site_name content='i̇'>",
    ] {
        let ex = run(html, PAGE);
        assert_eq!(ex.article.url, PAGE);
    }
}

#[test]
fn visible_dateline_after_the_headline_when_nothing_structured() {
    let html = r#"<body><div>Tuesday 3 February 2026</div><h1>Headline</h1>
        <figcaption>Crowds on January 16, 2026, in the capital.</figcaption>
        <p>By A. Writer</p><p> 27.01.2026 11:35 </p><p>Body text.</p></body>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T11:35:00+00:00"
    );
    assert_eq!(source_of(&ex, "published"), "visible text");
}

#[test]
fn visible_dates_ignore_scripts() {
    let html = r#"<h1>Headline</h1><script>show("2026/01/27 01:43")</script><p>Body</p>"#;
    assert_eq!(
        run(html, "https://news.example/story").article.published,
        None
    );
}

#[test]
fn utc_stamp_gives_way_to_the_same_instant_in_local_offset() {
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "datePublished": "2026-01-27T02:18:00Z"}</script>
        <meta property="article:published_time" content="2026-01-26T21:18:00-05:00">"#;
    let a = run(html, "https://news.example/story").article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-26T21:18:00-05:00"
    );
}

#[test]
fn h1_repeated_by_the_title_tag_beats_other_h1s_and_site_name_h1s() {
    let html = r#"<title>Tools of the Stone Age</title><body><h1>Stone Age &amp; Co</h1>
        <h1>Tools of the Stone Age</h1></body>"#;
    let ex = run(html, PAGE);
    assert_eq!(ex.article.title.as_deref(), Some("Tools of the Stone Age"));
    let html = r#"<title>Remembrance day: a new memorial</title><body><h1>NewsExample</h1></body>"#;
    let ex = run(html, "https://www.newsexample.org/story");
    assert_eq!(
        ex.article.title.as_deref(),
        Some("Remembrance day: a new memorial")
    );
}

#[test]
fn tag_links_are_the_last_keyword_source() {
    let html = r#"<article><p>Body</p><footer>Tags:
        <a href="/tag/floods/" rel="tag">Floods</a>, <a href="/topics/rain-and-wind">Rain, wind</a>
        <a href="/tag/">All tags</a> <a href="/about">About</a></footer></article>"#;
    let ex = run(html, PAGE);
    assert_eq!(ex.article.keywords, ["Floods", "Rain wind"]);
    assert_eq!(source_of(&ex, "keywords"), "<a rel=tag> links");
    let html = r#"<meta name="keywords" content="storms"><a rel="tag" href="/t/x">Floods</a>"#;
    assert_eq!(run(html, PAGE).article.keywords, ["storms"]);
}

#[test]
fn description_naming_only_the_site_is_skipped() {
    let html = r#"<meta property="og:site_name" content="Gadget Daily">
        <meta property="og:description" content="Gadget Daily">
        <meta name="twitter:description" content="A phone that folds twice.">"#;
    let ex = run(html, PAGE);
    assert_eq!(
        ex.article.description.as_deref(),
        Some("A phone that folds twice.")
    );
    assert!(ex.rejected.iter().any(|r| r.field == "description"));
}

#[test]
fn first_prose_paragraph_after_h1_is_the_last_description_source() {
    let html = r#"<body><p>Subscribe to our newsletter and get the very best stories every single morning!</p>
        <h1>Headline</h1><p>Share</p>
        <p>The council voted on Tuesday to close the coastal road for a week while engineers inspect it.</p></body>"#;
    let ex = run(html, PAGE);
    assert_eq!(
        ex.article.description.as_deref(),
        Some("The council voted on Tuesday to close the coastal road for a week while engineers inspect it.")
    );
    assert_eq!(source_of(&ex, "description"), "first paragraph");
}

#[test]
fn tag_clouds_are_not_the_articles_tags() {
    // Dozens of tag links in one container are a cloud or an index, not the article's tags.
    let cloud: String = (0..40)
        .map(|i| format!(r#"<li><a href="/tag/t{i}">T{i}</a></li>"#))
        .collect();
    let html = format!(
        r#"<article><span><a rel="tag" href="/tag/floods">Floods</a></span>
        <span><a rel="tag" href="/tag/rain">Rain</a></span></article><aside><ul>{cloud}</ul></aside>"#
    );
    assert_eq!(run(&html, PAGE).article.keywords, ["Floods", "Rain"]);
}

#[test]
fn larger_rendition_of_the_share_image_in_the_article_wins() {
    let html = r#"<meta property="og:image" content="https://img.example/600x315_cms_a1b2c3d4e5-99.jpg">
        <h1>Headline</h1><figure><img src="/img/avatar.png" width="40">
        <img src="https://img.example/320x180_cms_a1b2c3d4e5-99.jpg"
             data-srcset="https://img.example/320x180_cms_a1b2c3d4e5-99.jpg 320w,
                          https://img.example/1920x1080_cms_a1b2c3d4e5-99.jpg 1920w"></figure>"#;
    let ex = run(html, PAGE);
    assert_eq!(
        ex.article.image.as_deref(),
        Some("https://img.example/1920x1080_cms_a1b2c3d4e5-99.jpg")
    );
    assert!(source_of(&ex, "image").starts_with("article image"));
    // Another picture in the body does not replace the share image.
    let html = r#"<meta property="og:image" content="https://img.example/share-storm-2026.jpg">
        <img srcset="https://img.example/portrait-of-author.jpg 2000w">"#;
    assert_eq!(
        run(html, PAGE).article.image.as_deref(),
        Some("https://img.example/share-storm-2026.jpg")
    );
}

#[test]
fn lone_title_tag_keeps_its_longest_part() {
    let html = "<title>Blog Archive » Podcasts in a home media server</title>";
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("Podcasts in a home media server")
    );
}

#[test]
fn thumbnail_rendition_never_replaces_the_share_image() {
    // A blurred 60px placeholder of the same picture is not a lead image.
    let html = r#"<meta property="og:image" content="https://img.example/max/540/lake-sunset-2026.png">
        <img src="https://img.example/max/60/lake-sunset-2026.png?q=20" width="60">"#;
    assert_eq!(
        run(html, PAGE).article.image.as_deref(),
        Some("https://img.example/max/540/lake-sunset-2026.png")
    );
}

#[test]
fn width_attribute_beside_a_srcset_is_not_the_fallback_src_width() {
    // `width="3000"` is the original's layout size; the `src` fallback is not 3000 wide, so
    // the widest stated rendition (the `<source>`'s 1240w wide crop) wins.
    let html = r#"<meta property="og:image" content="https://img.example/social/lighthouse-restoration.jpg">
        <picture><source srcset="https://img.example/w1240/wide/lighthouse-restoration.jpg 1240w">
        <img srcset="https://img.example/w800/square/lighthouse-restoration.jpg 800w"
             src="https://img.example/w800/square/lighthouse-restoration.jpg" width="3000"></picture>"#;
    assert_eq!(
        run(html, PAGE).article.image.as_deref(),
        Some("https://img.example/w1240/wide/lighthouse-restoration.jpg")
    );
    // Without a `srcset`, `width` still states the `src`'s width.
    let html = r#"<meta property="og:image" content="https://img.example/social/lighthouse-restoration.jpg">
        <img src="https://img.example/full/lighthouse-restoration.jpg" width="1600">"#;
    assert_eq!(
        run(html, PAGE).article.image.as_deref(),
        Some("https://img.example/full/lighthouse-restoration.jpg")
    );
}

#[test]
fn preloaded_renditions_of_the_share_image_count() {
    // The hero picture's renditions stated only in a `<link rel=preload imagesrcset>`.
    let html = r#"<meta property="og:image" content="https://img.example/1200x675_lighthouse-restoration.jpg">
        <link rel="preload" as="image" imagesrcset="https://img.example/640x360_lighthouse-restoration.jpg 640w,
            https://img.example/1920x1080_lighthouse-restoration.jpg 1920w">"#;
    assert_eq!(
        run(html, PAGE).article.image.as_deref(),
        Some("https://img.example/1920x1080_lighthouse-restoration.jpg")
    );
    // `x` densities without a `width` say nothing about size: the share image stays.
    let html = r#"<meta property="og:image" content="https://img.example/1200x675_lighthouse-restoration.jpg">
        <link rel="preload" as="image" imagesrcset="https://img.example/375x234_lighthouse-restoration.jpg 1x,
            https://img.example/750x468_lighthouse-restoration.jpg 2x">"#;
    assert_eq!(
        run(html, PAGE).article.image.as_deref(),
        Some("https://img.example/1200x675_lighthouse-restoration.jpg")
    );
}

#[test]
fn picture_id_in_a_folder_identifies_renditions_with_bare_file_names() {
    // The file names say nothing (`0c1.jpg`, `9.jpg`); the folder holds the picture's id.
    let html = r#"<meta property="og:image" content="https://img.example/2026/01/20260127k0000m0301a/0c1.jpg">
        <img src="https://img.example/2026/01/20260127k0000m0301a/9.jpg" width="1400">
        <img src="https://img.example/2026/01/20260127k0000m0977b/9.jpg" width="2000">"#;
    assert_eq!(
        run(html, PAGE).article.image.as_deref(),
        Some("https://img.example/2026/01/20260127k0000m0301a/9.jpg")
    );
    // Folder words are not ids: a bare file name in another folder is another picture.
    let html = r#"<meta property="og:image" content="https://img.example/photographs/articles/1.jpg">
        <img src="https://img.example/photographs/articles/2.jpg" width="1400">"#;
    assert_eq!(
        run(html, PAGE).article.image.as_deref(),
        Some("https://img.example/photographs/articles/1.jpg")
    );
}

#[test]
fn article_summary_beats_social_teaser() {
    let html = r#"<meta property="og:description" content="There's no going back.">
        <meta name="description" content="We tried the new headset for a week, and there is no going back.">
        <script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",
          "description": "We tried the new headset for a week, and there is no going back."}</script>"#;
    let ex = run(html, PAGE);
    assert_eq!(
        ex.article.description.as_deref(),
        Some("We tried the new headset for a week, and there is no going back.")
    );
    assert_eq!(
        source_of(&ex, "description"),
        "json-ld NewsArticle.description"
    );
    // A page-level node's description does not jump ahead of the metas.
    let html = r#"<meta property="og:description" content="The teaser.">
        <script type="application/ld+json">{"@type": "WebPage", "description": "The site."}</script>"#;
    assert_eq!(
        run(html, PAGE).article.description.as_deref(),
        Some("The teaser.")
    );
}

#[test]
fn h1_that_the_title_does_not_repeat_comes_after_the_title() {
    let html = "<title>Babies Who Eat Peanuts Early May Avoid Allergy</title>
        <h1>Allergies Health Center</h1>";
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("Babies Who Eat Peanuts Early May Avoid Allergy")
    );
    // Confirmed by the `<title>`, the `<h1>` still wins (it has no site suffix).
    let html = "<title>Babies Who Eat Peanuts Early - Health News</title>
        <h1>Babies Who Eat Peanuts Early</h1>";
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("Babies Who Eat Peanuts Early")
    );
    // With no `<title>`, an unconfirmed `<h1>` is still the title.
    assert_eq!(
        run("<h1>Only Heading</h1>", PAGE).article.title.as_deref(),
        Some("Only Heading")
    );
}

#[test]
fn json_ld_name_shown_in_the_h1_beats_a_headline_that_describes_it() {
    let html = r#"<script type="application/ld+json">{"@type": "Article",
        "name": "Lake Example", "headline": "freshwater lake in the northern hills"}</script>
        <title>Lake Example</title><body><h1>Lake Example</h1></body>"#;
    let ex = run(html, PAGE);
    assert_eq!(ex.article.title.as_deref(), Some("Lake Example"));
    assert_eq!(source_of(&ex, "title"), "json-ld Article.name");
    // A `name` the page does not show leaves the headline first.
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "name": "lake-example-story", "headline": "Lake Example Freezes Over"}</script>
        <body><h1>Lake Example Freezes Over</h1></body>"#;
    let ex = run(html, PAGE);
    assert_eq!(
        ex.article.title.as_deref(),
        Some("Lake Example Freezes Over")
    );
    assert_eq!(source_of(&ex, "title"), "json-ld NewsArticle.headline");
}

#[test]
fn kicker_that_the_h1_leaves_out_is_dropped() {
    let html = r#"<meta property="og:title" content="Weather: Storm Closes Coastal Road">
        <title>Weather: Storm Closes Coastal Road</title>
        <body><p class="kicker">Weather</p><h1>Storm Closes Coastal Road</h1></body>"#;
    let ex = run(html, PAGE);
    assert_eq!(
        ex.article.title.as_deref(),
        Some("Storm Closes Coastal Road")
    );
    assert_eq!(source_of(&ex, "title"), "<h1>");
    let html = r#"<meta property="og:title" content="r/weather - Storm Closes Coastal Road">
        <body><h1>Storm Closes Coastal Road</h1></body>"#;
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("Storm Closes Coastal Road")
    );
    // A headline that only ends like the `<h1>` (no kicker mark) keeps its words.
    let html = r#"<meta property="og:title" content="Why the Storm Closes Coastal Road">
        <body><h1>Storm Closes Coastal Road</h1></body>"#;
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("Why the Storm Closes Coastal Road")
    );
}

#[test]
fn h1_naming_the_site_at_the_end_of_the_title_is_a_logo_heading() {
    let html = r#"<title>Walking the Coast Path in Winter - Notes from the Hills</title>
        <body><h1>Notes from the Hills</h1><h2>Walking the Coast Path in Winter</h2></body>"#;
    let ex = run(html, PAGE);
    assert_eq!(
        ex.article.title.as_deref(),
        Some("Walking the Coast Path in Winter")
    );
    assert_eq!(source_of(&ex, "title"), "<title>");
    // The post's own `<h1>` still beats the `<title>`.
    let html = r#"<title>Walking the Coast Path in Winter | Notes from the Hills</title>
        <body><h1>Notes from the Hills</h1><h1>Walking the Coast Path in Winter</h1></body>"#;
    let ex = run(html, PAGE);
    assert_eq!(
        ex.article.title.as_deref(),
        Some("Walking the Coast Path in Winter")
    );
    assert_eq!(source_of(&ex, "title"), "<h1>");
}

#[test]
fn decorated_site_suffix_gives_way_to_the_bare_headline() {
    let html = r#"<meta property="og:site_name" content="Daily Example">
        <meta property="og:title" content="Storm Closes Coastal Road-Weather/Daily Example">
        <meta name="headline" content="Storm Closes Coastal Road">"#;
    let ex = run(html, PAGE);
    assert_eq!(
        ex.article.title.as_deref(),
        Some("Storm Closes Coastal Road")
    );
    assert_eq!(source_of(&ex, "title"), "meta name=headline");
    // Without the site's name at the end, the longer line is a headline of its own.
    let html = r#"<meta property="og:title" content="Storm Closes Coastal Road (Updated)">
        <meta name="headline" content="Storm Closes Coastal Road">"#;
    assert_eq!(
        run(html, PAGE).article.title.as_deref(),
        Some("Storm Closes Coastal Road (Updated)")
    );
}

#[test]
fn day_and_month_of_a_slashed_date_follow_another_source() {
    // Read day first, the meta says 4 June; the `<time>` says 6 April.
    let html = r#"<meta property="article:published_time" content="4/6/2026 4:00:00 PM">
        <time datetime="2026-04-06T16:00:00Z">April 6, 2026</time>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-04-06T16:00:00+00:00"
    );
    // A dotted dateline is day first: 1 November, so the meta's 11/01 is month first.
    let html = r#"<meta name="date" content="11/01/2026 12:43:42">
        <h1>Headline</h1><p>Created: 01.11.2026</p>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-11-01T12:43:42+00:00"
    );
    // Nothing else on the page: day first stays.
    let html = r#"<meta name="date" content="11/01/2026 12:43:42"><h1>Headline</h1>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-11T12:43:42+00:00"
    );
}

#[test]
fn local_offset_of_the_same_instant_keeps_the_first_stamps_seconds() {
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "datePublished": "2026-01-27T13:27:18Z"}</script>
        <time datetime="2026-01-27T21:27+08:00">27 January 2026, 9:27 pm</time>"#;
    let a = run(html, "https://news.example/story").article;
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2026-01-27T21:27:18+08:00"
    );
}

#[test]
fn visible_numbers_are_not_unix_times() {
    let html = r#"<h1>Headline</h1><table><tr><td>3424486444</td><td>Carrier</td></tr></table>
        <span class="date">1769516880</span>"#;
    assert_eq!(
        run(html, "https://news.example/story").article.published,
        None
    );
}

#[test]
fn utc_stamp_shown_in_the_offset_of_the_pages_wall_clock_reading() {
    // The script variable is the same moment on the newsroom's clock, five hours behind.
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "datePublished": "2026-01-27T02:18:11Z"}</script>
        <script>var page = {}; var publication_date = "2026-01-26 21:18:11";</script>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-26T21:18:11-05:00"
    );
    assert_eq!(
        source_of(&ex, "published"),
        "json-ld NewsArticle.datePublished (in the offset of script variable)"
    );
    // Escaped script JSON, and a zoneless meta first with the UTC stamp in a <time>.
    let html = r#"<meta property="article:published_time" content="2026-01-27 08:48:11">
        <time datetime="2026-01-27T03:18:11Z">27 Jan</time>
        <script>init("{\"publishedAt\":\"2026-01-27 08:48:11\"}")</script>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T08:48:11+05:30"
    );
    // A difference that is no UTC offset (another moment) changes nothing.
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "datePublished": "2026-01-27T02:18:11Z"}</script>
        <script>var publishDate = "2026-01-26 21:11:40";</script>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T02:18:11+00:00"
    );
}

#[test]
fn utc_stamp_of_a_local_midnight_takes_the_date_the_dateline_shows() {
    let page = |stamp: &str, shown: &str| {
        format!(
            r#"<meta property="article:published_time" content="{stamp}">
            <h1>Headline</h1><span class="meta-date">{shown}</span>"#
        )
    };
    let published = |html: String| {
        run(&html, "https://news.example/story")
            .article
            .published
            .unwrap()
            .to_rfc3339()
    };
    assert_eq!(
        published(page("2026-01-26T23:00Z", "27. Januar 2026")),
        "2026-01-27T00:00:00+01:00"
    );
    // The dateline agrees with the UTC date, or the stamp is no midnight: left as it is.
    assert_eq!(
        published(page("2026-01-26T23:00Z", "26. Januar 2026")),
        "2026-01-26T23:00:00+00:00"
    );
    assert_eq!(
        published(page("2026-01-26T23:07:12Z", "27. Januar 2026")),
        "2026-01-26T23:07:12+00:00"
    );
}

#[test]
fn paragraph_led_by_a_dateline() {
    let html = r#"<body><h1>Headline</h1>
        <p>14.3.2026 - The council met on Saturday to discuss the new bridge, which has been
        debated for years by everyone in the town.</p></body>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-03-14T00:00:00+00:00"
    );
    // A date inside a sentence, or a dash without spaces, is no dateline.
    let html = r#"<body><h1>Headline</h1>
        <p>The council met on 14.3.2026 to discuss the new bridge - which has been debated for
        years by everyone in the town.</p><p>Since 2020-2026 the bridge has been closed to
        all traffic for repairs and inspections of every kind.</p></body>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(ex.article.published, None);
}

#[test]
fn custom_time_elements_are_times() {
    let html = r#"<h1>Issue</h1><p>opened <relative-time datetime="2026-01-27T12:10:51Z">on Jan
        27, 2026</relative-time></p><ins datetime="2026-02-01T00:00:00Z">added</ins>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T12:10:51+00:00"
    );
}

#[test]
fn a_later_stamp_with_seconds_refines_the_same_minute() {
    // JSON-LD comes first but says only the minute; the meta has the full stamp.
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "datePublished": "2026-01-27T12:28+03:00"}</script>
        <meta property="article:published_time" content="2026-01-27T12:28:41+03:00">"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T12:28:41+03:00"
    );
    // The same minute in UTC, with seconds, gives them to the local stamp.
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "datePublished": "2026-01-27T12:28+03:00"}</script>
        <meta property="article:published_time" content="2026-01-27T09:28:41Z">"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T12:28:41+03:00"
    );
    // A different minute is a different reading, not a more precise one.
    let html = r#"<script type="application/ld+json">{"@type": "NewsArticle",
        "datePublished": "2026-01-27T12:28+03:00"}</script>
        <meta property="article:published_time" content="2026-01-27T12:29:41+03:00">"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T12:28:00+03:00"
    );
}

#[test]
fn a_visible_twelve_hour_time_is_read_on_the_afternoon() {
    let html = r#"<h1>Headline</h1><p class="dateline">January 27, 2026 3:48 PM</p>"#;
    let ex = run(html, "https://news.example/story");
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-27T15:48:00+00:00"
    );
}

#[test]
fn a_date_only_in_the_url_is_that_day_at_midnight_in_the_sites_zone() {
    let url = Url::parse("https://news.example/20260123/story-1.html").unwrap();
    let tz: chrono_tz::Tz = "Europe/Moscow".parse().unwrap();
    let ex = extract_explained("<h1>Headline</h1>", &url, Some(tz));
    assert_eq!(
        ex.article.published.unwrap().to_rfc3339(),
        "2026-01-23T00:00:00+03:00"
    );
    assert_eq!(source_of(&ex, "published"), "url");
}
