//! Discovery on small hand-written pages shaped like real section pages.

use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn auto(html: &str, page: &str) -> SectionPage {
    discover(html, &url(page), &Rules::default())
}

fn paths(page: &SectionPage) -> Vec<String> {
    page.links
        .iter()
        .map(|l| match l.url.query() {
            Some(q) => format!("{}?{q}", l.url.path()),
            None => l.url.path().to_owned(),
        })
        .collect()
}

/// A section page shaped like sputnikglobe.com/world/: header nav of sections, the main list
/// with tag links inside each item, a "Newsfeed" column of other sections' articles, a footer.
const SPUTNIK_LIKE: &str = r#"<!doctype html>
<html><head>
<title>  World &amp; Beyond - Example Globe </title>
<meta property="og:title" content="World &amp; Beyond">
<link rel="next" href="/world/?page=2#more">
</head><body class="page">
<header class="header">
  <a class="header__logo" href="/">Example Globe</a>
  <ul class="header__menu">
    <li class="header__menu-item"><a href="/world/">World</a></li>
    <li class="header__menu-item"><a href="/russia/">Russia</a></li>
    <li class="header__menu-item"><a href="/africa/">Africa</a></li>
    <li class="header__menu-item"><a href="/science/">Science</a></li>
  </ul>
</header>
<div class="layout">
 <div class="layout__content">
  <h1 class="section__title">World</h1>
  <div class="list">
   <div class="list__item">
     <a class="list__image" href="/20260127/ministers-agree-on-a-new-grain-corridor-1123530001.html"><img src="/i/1.jpg" alt=""></a>
     <div class="list__content">
       <a class="list__title" href="/20260127/ministers-agree-on-a-new-grain-corridor-1123530001.html?utm_source=list">Ministers agree on a new grain corridor</a>
     </div>
     <div class="list__info"><span class="list__date">12:01</span>
       <ul class="tags"><li class="tag"><a class="tag__text" href="/tags/geo_Europe/">Europe</a></li>
       <li class="tag"><a class="tag__text" href="/tags/keyword_grain/">grain</a></li></ul>
     </div>
   </div>
   <div class="list__item">
     <div class="list__content">
       <a class="list__title" href="https://examplesite.com/20260127/port-city-opens-its-second-container-terminal-1123530002.html">Port city opens its second container terminal</a>
     </div>
     <div class="list__info"><ul class="tags"><li class="tag"><a class="tag__text" href="/tags/geo_Asia/">Asia</a></li></ul></div>
   </div>
   <div class="list__item">
     <div class="list__content">
       <a class="list__title" href="//www.examplesite.com/20260126/talks-on-river-water-sharing-resume-after-pause-1123530003.html#comments">Talks on river water sharing resume after pause</a>
     </div>
     <div class="list__info"><ul class="tags"><li class="tag"><a class="tag__text" href="/tags/geo_Africa/">Africa</a></li></ul></div>
   </div>
  </div>
  <a class="list__more" href="/world/?page=2">More</a>
 </div>
 <div class="layout__sidebar">
  <div class="newsfeed">
   <div class="newsfeed__title">Newsfeed</div>
   <div class="newsfeed__item"><a href="/20260127/scientists-map-an-ancient-river-bed-under-ice-1123530101.html">Scientists map an ancient river bed under ice</a></div>
   <div class="newsfeed__item"><a href="/20260127/football-club-signs-young-striker-for-record-fee-1123530102.html">Football club signs young striker for record fee</a></div>
   <div class="newsfeed__item"><a href="/20260127/new-metro-line-opens-in-the-capital-this-week-1123530103.html">New metro line opens in the capital this week</a></div>
   <div class="newsfeed__item"><a href="/20260127/budget-debate-enters-its-final-day-in-parliament-1123530104.html">Budget debate enters its final day in parliament</a></div>
  </div>
 </div>
</div>
<footer class="footer">
  <a href="/docs/about/">About us</a> <a href="/docs/terms_of_use/">Terms of use</a>
  <a href="/20250101/editorial-policy-of-the-site-explained-1000000001.html">Our editorial policy explained in full</a>
</footer>
</body></html>"#;

#[test]
fn sputnik_like_main_list_without_nav_tags_newsfeed_or_footer() {
    let page = auto(SPUTNIK_LIKE, "https://examplesite.com/world/");
    assert_eq!(
        paths(&page),
        [
            "/20260127/ministers-agree-on-a-new-grain-corridor-1123530001.html",
            "/20260127/port-city-opens-its-second-container-terminal-1123530002.html",
            "/20260126/talks-on-river-water-sharing-resume-after-pause-1123530003.html",
        ]
    );
    assert!(
        page.links[0].rule.contains("<div.list>") && page.links[0].rule.starts_with("auto:"),
        "{}",
        page.links[0].rule
    );
    // The protocol-relative www. link is resolved and keeps its host; only the fragment goes.
    assert_eq!(
        page.links[2].url.as_str(),
        "https://www.examplesite.com/20260126/talks-on-river-water-sharing-resume-after-pause-1123530003.html"
    );
}

#[test]
fn title_prefers_og_title_and_next_is_resolved() {
    let page = auto(SPUTNIK_LIKE, "https://examplesite.com/world/");
    assert_eq!(page.title.as_deref(), Some("World & Beyond"));
    assert_eq!(
        page.next.as_ref().map(Url::as_str),
        Some("https://examplesite.com/world/?page=2")
    );
}

#[test]
fn title_falls_back_to_title_element_decoded_and_collapsed() {
    let html = "<html><head><title>\n  News &amp;\n  Views &#8211; Daily </title></head><body>\
                <svg><title>icon</title></svg></body></html>";
    let page = auto(html, "https://ex.com/");
    assert_eq!(page.title.as_deref(), Some("News & Views \u{2013} Daily"));
    assert_eq!(auto("<p>no head</p>", "https://ex.com/").title, None);
}

#[test]
fn next_from_anchor_rel_next() {
    let html = r#"<div class="pager"><a rel="prev" href="/news/">1</a>
        <a class="next" rel="Next nofollow" href="page/3/">3</a></div>"#;
    let page = auto(html, "https://ex.com/news/page/2/");
    assert_eq!(
        page.next.map(String::from),
        Some("https://ex.com/news/page/2/page/3/".to_owned())
    );
}

#[test]
fn sidebar_list_is_left_out_even_when_it_is_longer() {
    // Six newsfeed items against three in the main list: the class names still give it away.
    let extra: String = (0..6)
        .map(|i| {
            format!(
                r#"<div class="newsfeed__item"><a href="/20260127/another-section-story-number-{i}-11235302{i}0.html">Another section story {i} here</a></div>"#
            )
        })
        .collect();
    let html = SPUTNIK_LIKE.replace(
        r#"<div class="newsfeed__title">Newsfeed</div>"#,
        &format!(r#"<div class="newsfeed__title">Newsfeed</div>{extra}"#),
    );
    let page = auto(&html, "https://examplesite.com/world/");
    assert_eq!(page.links.len(), 3, "{:#?}", page.links);
    assert!(paths(&page).iter().all(|p| !p.contains("another-section")));
}

#[test]
fn wordpress_archive_with_article_cards() {
    let html = r#"<html><body class="archive category category-local">
    <div id="page" class="site">
    <header id="masthead" class="site-header"><nav class="main-navigation">
      <a href="/category/local/">Local</a><a href="/category/sports/">Sports</a>
      <a href="/2026/01/20/a-pinned-story-in-the-menu-bar/">Pinned story in the menu</a></nav></header>
    <div id="content" class="site-content"><div id="primary" class="content-area">
     <main id="main" class="site-main">
      <article id="post-11" class="post-11 post type-post">
        <header class="entry-header"><h2 class="entry-title">
          <a href="https://ex.org/2026/01/27/council-approves-new-bridge-plan/" rel="bookmark">Council approves new bridge plan</a></h2></header>
        <div class="entry-summary"><p>The vote was close.</p></div>
        <footer class="entry-footer"><a href="/category/local/" rel="category tag">Local</a>
          <a href="/author/jdoe/">J. Doe</a></footer>
      </article>
      <article id="post-10" class="post-10 post type-post">
        <header class="entry-header"><h2 class="entry-title">
          <a href="/2026/01/26/library-extends-weekend-opening-hours/">Library extends weekend opening hours</a></h2></header>
        <footer class="entry-footer"><a href="/tag/library/" rel="tag">library</a></footer>
      </article>
      <article id="post-9" class="post-9 post type-post">
        <header class="entry-header"><h2 class="entry-title">
          <a href="/2026/01/25/school-choir-wins-regional-contest/">School choir wins regional contest</a></h2></header>
      </article>
      <nav class="navigation pagination"><a class="next page-numbers" href="/category/local/page/2/">Next</a></nav>
     </main>
    </div>
    <aside id="secondary" class="widget-area"><section class="widget widget_recent_entries">
      <h2>Recent Posts</h2><ul>
      <li><a href="/2026/01/24/sports-day-results-are-in/">Sports day results are in</a></li>
      <li><a href="/2026/01/23/weather-warning-for-the-weekend/">Weather warning for the weekend</a></li>
      </ul></section></aside>
    </div>
    <footer id="colophon" class="site-footer"><a href="/privacy-policy/">Privacy</a></footer>
    </div></body></html>"#;
    let page = auto(html, "https://ex.org/category/local/");
    assert_eq!(
        paths(&page),
        [
            "/2026/01/27/council-approves-new-bridge-plan/",
            "/2026/01/26/library-extends-weekend-opening-hours/",
            "/2026/01/25/school-choir-wins-regional-contest/",
        ]
    );
}

#[test]
fn main_with_a_list_and_an_aside_of_most_read() {
    let html = r#"<body><nav><a href="/news/">News</a><a href="/sport/">Sport</a></nav>
    <main>
      <h1>News</h1>
      <ul class="stories">
        <li><a href="/news/article-90001"><img src="a.jpg"></a><a href="/news/article-90001">Harbour cleanup begins next month</a></li>
        <li><a href="/news/article-90002">Trains to run later on Fridays</a></li>
        <li><a href="/news/article-90003">Museum reopens its north wing</a></li>
      </ul>
      <aside class="box"><h2>Most read</h2><ol>
        <li><a href="/sport/article-80001">Cup final goes to penalties again</a></li>
        <li><a href="/sport/article-80002">Marathon route changes this year</a></li>
        <li><a href="/culture/article-80003">Film festival names its jury</a></li>
        <li><a href="/culture/article-80004">Old theatre gets a new roof soon</a></li>
      </ol></aside>
    </main>
    <footer><a href="/contact/">Contact</a></footer></body>"#;
    let page = auto(html, "https://ex.net/news/");
    assert_eq!(
        paths(&page),
        [
            "/news/article-90001",
            "/news/article-90002",
            "/news/article-90003"
        ]
    );
}

#[test]
fn cards_with_image_and_title_links_form_one_list() {
    // Image and headline link of each card sit side by side with the same tag: the card, not
    // the anchor, is the repeated item.
    let html = r#"<div class="grid">
      <div class="card card--lead"><a href="/politics/2026-01-27-vote-count-ends-tonight"><img src="1.jpg"></a>
        <a href="/politics/2026-01-27-vote-count-ends-tonight">Vote count ends tonight</a></div>
      <div class="card"><a href="/politics/2026-01-26-new-cabinet-sworn-in-today"><img src="2.jpg"></a>
        <a href="/politics/2026-01-26-new-cabinet-sworn-in-today">New cabinet sworn in today</a></div>
      <div class="card"><a href="/politics/2026-01-25-opposition-picks-a-leader"><img src="3.jpg"></a>
        <a href="/politics/2026-01-25-opposition-picks-a-leader">Opposition picks a leader</a></div>
    </div>"#;
    let page = auto(html, "https://ex.com/politics/");
    assert_eq!(page.links.len(), 3, "{:#?}", page.links);
    assert!(
        page.links[0].rule.contains("<div.grid>"),
        "{}",
        page.links[0].rule
    );
    assert!(
        page.links[0].rule.contains("item <div.card"),
        "{}",
        page.links[0].rule
    );
}

#[test]
fn split_main_list_blocks_are_kept_together() {
    let block = |n: u32| {
        format!(
            r#"<div class="news-block"><ul class="news">
            <li class="news__item"><a href="/local/story-{n}1-town-fair-returns-in-june">Town fair returns in June</a></li>
            <li class="news__item"><a href="/local/story-{n}2-new-bus-stop-on-main-road">New bus stop on main road</a></li>
            </ul></div><div class="ad-slot"></div>"#
        )
    };
    let html = format!("<body>{}{}</body>", block(1), block(2));
    let page = auto(&html, "https://ex.com/local/");
    assert_eq!(page.links.len(), 4, "{:#?}", page.links);
}

#[test]
fn relative_urls_base_href_and_foreign_links() {
    let html = r#"<head><base href="https://ex.com/archive/"></head><ul>
      <li><a href="2026/01/27/first-story-of-the-day/">First story of the day</a></li>
      <li><a href="../2026/01/26/second-story-of-the-day/">Second story of the day</a></li>
      <li><a href="https://elsewhere.com/2026/01/26/a-story-on-another-site/">Elsewhere</a></li>
      <li><a href="javascript:void(0)">Share</a></li>
      <li><a href="mailto:desk@ex.com">Mail</a></li>
    </ul>"#;
    let page = auto(html, "https://ex.com/section/");
    assert_eq!(
        paths(&page),
        [
            "/archive/2026/01/27/first-story-of-the-day/",
            "/2026/01/26/second-story-of-the-day/"
        ]
    );
}

#[test]
fn page_without_article_links_yields_none() {
    let html = r#"<ul><li><a href="/world/">World</a></li><li><a href="/sport/">Sport</a></li>
        <li><a href="/tags/x/">x</a></li></ul>"#;
    assert!(auto(html, "https://ex.com/").links.is_empty());
}

#[test]
fn chrome_hints_are_relaxed_when_they_hide_everything() {
    // A site whose wrapper class happens to read like chrome must still yield its list.
    let html = r#"<div class="sidebar-layout"><ul>
      <li><a href="/2026/01/27/one-long-story-title/">One long story title</a></li>
      <li><a href="/2026/01/26/two-long-story-title/">Two long story title</a></li>
    </ul></div>"#;
    let page = auto(html, "https://ex.com/news/");
    assert_eq!(page.links.len(), 2);
    assert!(
        page.links[0].rule.contains("ignored"),
        "{}",
        page.links[0].rule
    );
}

#[test]
fn selector_alone_takes_what_it_selects_including_containers() {
    let rules = Rules {
        selector: Some(Selector::parse(".newsfeed__item").unwrap()),
        pattern: None,
        ..Rules::default()
    };
    let page = discover(SPUTNIK_LIKE, &url("https://examplesite.com/world/"), &rules);
    assert_eq!(page.links.len(), 4);
    assert!(page.links.iter().all(|l| l.rule == "selector"));
    assert!(paths(&page)[0].contains("ancient-river-bed"));
}

#[test]
fn selector_on_anchors_dedups_and_normalizes() {
    let rules = Rules {
        selector: Some(Selector::parse("a.list__title, a.list__image").unwrap()),
        pattern: None,
        ..Rules::default()
    };
    let page = discover(SPUTNIK_LIKE, &url("https://examplesite.com/world/"), &rules);
    assert_eq!(page.links.len(), 3);
    assert!(page.links[0].url.query().is_none());
}

#[test]
fn pattern_alone_takes_all_same_site_matches() {
    let rules = Rules {
        selector: None,
        pattern: Some(Arc::new(Regex::new(r"^/\d{8}/.+-\d+\.html$").unwrap())),
        ..Rules::default()
    };
    let page = discover(SPUTNIK_LIKE, &url("https://examplesite.com/world/"), &rules);
    // Main list, newsfeed and the footer link: the pattern is the user's call.
    assert_eq!(page.links.len(), 3 + 4 + 1);
    assert!(page.links.iter().all(|l| l.rule == "pattern"));
}

#[test]
fn pattern_may_match_path_and_query() {
    let html = r#"<a href="/index.php?id=12">a</a><a href="/index.php?cat=3">b</a>
        <a href="https://other.com/index.php?id=13">c</a>"#;
    let rules = Rules {
        selector: None,
        pattern: Some(Arc::new(Regex::new(r"\?id=\d+$").unwrap())),
        ..Rules::default()
    };
    let page = discover(html, &url("https://ex.com/"), &rules);
    assert_eq!(paths(&page), ["/index.php?id=12"]);
}

#[test]
fn selector_and_pattern_together_intersect() {
    let rules = Rules {
        selector: Some(Selector::parse(".layout__sidebar, .list").unwrap()),
        pattern: Some(Arc::new(Regex::new("river").unwrap())),
        ..Rules::default()
    };
    let page = discover(SPUTNIK_LIKE, &url("https://examplesite.com/world/"), &rules);
    assert_eq!(page.links.len(), 2, "{:#?}", page.links);
    assert!(page.links.iter().all(|l| l.rule == "selector+pattern"));
}

#[test]
fn thousands_of_links_stay_quick() {
    let items: String = (0..6000)
        .map(|i| {
            format!(r#"<li><a href="/2026/01/27/story-number-{i}-of-many/">Story {i}</a></li>"#)
        })
        .collect();
    let html = format!("<ul>{items}</ul>");
    let start = std::time::Instant::now();
    let page = auto(&html, "https://ex.com/news/");
    assert!(!page.links.is_empty() && page.links.len() <= 6000);
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn deeply_nested_page_does_not_overflow_the_stack() {
    // Deep enough to overflow any recursion over the tree; html5ever itself is quadratic in
    // nesting depth, so deeper only makes the test slow.
    let depth = 10_000;
    let html = format!(
        "{}<a href=\"/2026/01/27/deep-down-story-here/\">x</a>{}",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let page = auto(&html, "https://ex.com/news/");
    assert!(page.links.len() <= 1);
}

#[test]
fn unmarked_sidebar_loses_to_the_pictured_list_in_main() {
    // No class or element gives the side column away; it is outside <main> and bare.
    let side: String = (1..=5)
        .map(|i| format!(r#"<p><a href="/sport/2026/01/27/match-report-number-{i}-here/">Match report number {i} here</a></p>"#))
        .collect();
    let html = format!(
        r#"<body><div class="cols"><main><div class="col-a">
        <div class="row"><img src="1.jpg"><a href="/world/2026/01/27/floods-recede-in-the-delta/">Floods recede in the delta</a></div>
        <div class="row"><img src="2.jpg"><a href="/world/2026/01/27/summit-ends-without-a-deal/">Summit ends without a deal</a></div>
        <div class="row"><img src="3.jpg"><a href="/world/2026/01/26/border-crossing-reopens/">Border crossing reopens</a></div>
        </div></main><div class="col-b">{side}</div></div></body>"#
    );
    let page = auto(&html, "https://ex.com/world/");
    assert_eq!(page.links.len(), 3, "{:#?}", page.links);
    assert!(paths(&page).iter().all(|p| p.starts_with("/world/")));
}

#[test]
fn promo_and_widget_classes_on_story_cards_do_not_hide_them() {
    // Some sites call every story card a promo; such names are no sign of chrome.
    let cards: String = (1..=3)
        .map(|i| {
            format!(
                r#"<div class="gs-c-promo widget-card"><h3><a href="/news/world-asia-6812345{i}">Asia story {i} with a headline</a></h3></div>"#
            )
        })
        .collect();
    let html = format!(
        r#"<div class="sidebar"><ul><li><a href="/news/uk-68000001">Other one in the side</a></li>
        <li><a href="/news/uk-68000002">Other two in the side</a></li></ul></div><div class="page">{cards}</div>"#
    );
    let page = auto(&html, "https://ex.co.uk/news/world/asia/");
    assert_eq!(page.links.len(), 3, "{:#?}", page.links);
    assert!(
        !page.links[0].rule.contains("ignored"),
        "{}",
        page.links[0].rule
    );
}

/// Regression: a "Load more" button under the main list links to an article-shaped URL in the
/// same `<main>`; it is not a story.
#[test]
fn load_more_button_in_main_is_not_an_article() {
    let html = r#"<html><body><main>
      <div class="list">
        <div class="list__item"><a class="list__title" href="/20260127/first-story-headline-here-1123533991.html">First story headline here today</a></div>
        <div class="list__item"><a class="list__title" href="/20260127/second-story-headline-here-1123533992.html">Second story headline here today</a></div>
        <div class="list__item"><a class="list__title" href="/20260127/third-story-headline-here-1123533993.html">Third story headline here today</a></div>
      </div>
      <div class="list__more"><a class="button" href="/world/more.html?id=1123530415">Load more</a></div>
    </main></body></html>"#;
    let page = auto(html, "https://globe.example/world/");
    assert_eq!(
        paths(&page),
        [
            "/20260127/first-story-headline-here-1123533991.html",
            "/20260127/second-story-headline-here-1123533992.html",
            "/20260127/third-story-headline-here-1123533993.html"
        ]
    );
}

#[test]
fn next_page_comes_from_rel_next_or_the_feeds_selector() {
    let html = r#"<html><head><link rel="next" href="/world/?page=2"></head><body>
      <div class="pager"><a class="pager__more" href="/world/more-3">More</a></div></body></html>"#;
    let page = auto(html, "https://globe.example/world/");
    assert_eq!(
        page.next.unwrap().as_str(),
        "https://globe.example/world/?page=2"
    );
    let rules = Rules {
        next_selector: Some(Selector::parse(".pager").unwrap()),
        ..Rules::default()
    };
    let page = discover(html, &url("https://globe.example/world/"), &rules);
    assert_eq!(
        page.next.unwrap().as_str(),
        "https://globe.example/world/more-3"
    );
}
