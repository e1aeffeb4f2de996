//! The page skeleton: one self-contained HTML document with a tab per section, as flytekit's
//! `template.html` lays it out (a row of tabs, one body shown at a time), with its CSS and
//! tab-switching JavaScript inline and nothing loaded from the network (flytekit's page links
//! Google Fonts; this one uses the system's fonts).

use super::escape::push_escaped;

const HEAD: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>"#;

const STYLE: &str = r#"</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#333;font-size:14px}
ol,ul{list-style:none;margin:0;padding:0}
table{border-collapse:collapse;border-spacing:0;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f6f6}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
#flyte-frame-tabs{display:flex;flex-wrap:wrap;justify-content:center;border-bottom:1px solid #eee}
#flyte-frame-tabs li{min-width:126px;padding:8px;font-size:14px;line-height:20px;font-weight:700;color:#666;cursor:pointer;text-align:center}
#flyte-frame-tabs li.active{border-bottom:4px solid rgb(163,26,255);color:#333}
#flyte-frame-container>div{display:none}
#flyte-frame-container>div.active{display:block;padding:2rem 2rem}
.deck-note{color:#888;font-style:italic}
ol.deck-list{list-style:decimal;padding-left:2rem}
</style></head>
<body>
<nav id="flyte-frame-nav"><ul id="flyte-frame-tabs">
"#;

const MIDDLE: &str = "</ul></nav>\n<div id=\"flyte-frame-container\">\n";

const TAIL: &str = r#"</div>
<script>
(function () {
  var tabs = document.querySelectorAll('#flyte-frame-tabs > li');
  var bodies = document.querySelectorAll('#flyte-frame-container > div');
  function show(i) {
    for (var j = 0; j < tabs.length; j++) {
      tabs[j].className = j === i ? 'active' : '';
      if (bodies[j]) { bodies[j].className = j === i ? 'active' : ''; }
    }
  }
  for (var i = 0; i < tabs.length; i++) {
    tabs[i].addEventListener('click', show.bind(null, i));
  }
  if (tabs.length) { show(0); }
})();
</script>
</body></html>
"#;

/// The page's bytes besides the sections' bodies: the skeleton, the title and one tab and
/// one `<div>` per name.
pub(crate) fn overhead<'a>(title: &str, names: impl IntoIterator<Item = &'a str>) -> usize {
    let mut out = String::new();
    push_escaped(&mut out, title);
    let tabs: usize = names
        .into_iter()
        .map(|n| {
            let mut escaped = String::new();
            push_escaped(&mut escaped, n);
            escaped.len() + "<li></li>\n<div></div>\n".len()
        })
        .sum();
    HEAD.len() + STYLE.len() + MIDDLE.len() + TAIL.len() + out.len() + tabs
}

/// The page of `tabs` (name, body HTML), titled `title`. Names and title are escaped; the
/// bodies are HTML already (every renderer escapes what it is given).
pub(crate) fn page(title: &str, tabs: &[(String, String)]) -> String {
    let bodies: usize = tabs.iter().map(|(_, b)| b.len()).sum();
    let mut out =
        String::with_capacity(overhead(title, tabs.iter().map(|(n, _)| n.as_str())) + bodies);
    out.push_str(HEAD);
    push_escaped(&mut out, title);
    out.push_str(STYLE);
    for (name, _) in tabs {
        out.push_str("<li>");
        push_escaped(&mut out, name);
        out.push_str("</li>\n");
    }
    out.push_str(MIDDLE);
    for (_, body) in tabs {
        out.push_str("<div>");
        out.push_str(body);
        out.push_str("</div>\n");
    }
    out.push_str(TAIL);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_its_overhead_and_its_bodies_and_loads_nothing() {
        let tabs = vec![
            ("In<put>".to_string(), "<p>x</p>".to_string()),
            ("Timeline".to_string(), String::new()),
        ];
        let html = page("t & u", &tabs);
        assert_eq!(html.len(), overhead("t & u", ["In<put>", "Timeline"]) + 8);
        assert!(html.contains("<li>In&lt;put&gt;</li>"));
        assert!(html.contains("<title>t &amp; u</title>"));
        for remote in ["http:", "https:", "//fonts", "<link", "src="] {
            assert!(!html.contains(remote), "{remote}");
        }
    }
}
