//! What a section is made of: blocks of HTML and tables, each rendered within what is left of
//! the page's size (a table keeps the rows that fit and says how many it left out).

use super::escape::push_escaped;

/// A table cell: text (escaped when rendered) or HTML made by this module's renderers.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Text(String),
    Html(String),
}

impl Cell {
    fn push(&self, out: &mut String) {
        match self {
            Cell::Text(t) => push_escaped(out, t),
            Cell::Html(h) => out.push_str(h),
        }
    }

    fn len(&self) -> usize {
        match self {
            // Escaping can grow a text: count the worst of its characters that grow.
            Cell::Text(t) => t.len() + 5 * t.bytes().filter(|b| b"&<>\"'".contains(b)).count(),
            Cell::Html(h) => h.len(),
        }
    }
}

/// A table: headers and rows of cells, with the rows it had before it was cut.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<Vec<Cell>>,
    /// Rows left out before the table came here (an author's table over the held limit, a
    /// data frame's preview), said in its note.
    pub(crate) left_out: usize,
}

impl Table {
    pub(crate) fn new(headers: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            headers: headers.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    pub(crate) fn row(mut self, cells: Vec<Cell>) -> Self {
        self.rows.push(cells);
        self
    }

    /// The bytes it takes whole, about (at least its rendering's).
    pub(crate) fn len(&self) -> usize {
        let head: usize = self.headers.iter().map(|h| h.len() * 6 + 9).sum();
        head + 64 + self.rows.iter().map(|r| row_len(r)).sum::<usize>()
    }

    /// Renders it into `out`, taking at most `budget` bytes: the rows that fit, then a note
    /// saying how many were left out. Returns whether every row was shown.
    fn render(&self, out: &mut String, budget: usize) -> bool {
        let mut head = String::from("<table><thead><tr>");
        for h in &self.headers {
            head.push_str("<th>");
            push_escaped(&mut head, h);
            head.push_str("</th>");
        }
        head.push_str("</tr></thead><tbody>");
        const TAIL: &str = "</tbody></table>";
        if head.len() + TAIL.len() + NOTE_ROOM > budget {
            // Left out whole: the section's note says so.
            return false;
        }
        let mut room = budget - head.len() - TAIL.len() - NOTE_ROOM;
        out.push_str(&head);
        let mut shown = 0;
        for row in &self.rows {
            let mut html = String::with_capacity(row_len(row));
            html.push_str("<tr>");
            for cell in row {
                html.push_str("<td>");
                cell.push(&mut html);
                html.push_str("</td>");
            }
            html.push_str("</tr>");
            if html.len() > room {
                break;
            }
            room -= html.len();
            out.push_str(&html);
            shown += 1;
        }
        out.push_str(TAIL);
        if shown < self.total() {
            push_note(out, &format!("showing {shown} of {} rows", self.total()));
            return false;
        }
        true
    }

    fn total(&self) -> usize {
        self.rows.len() + self.left_out
    }
}

/// The bytes a row takes, about (at least its rendering's).
pub(crate) fn row_len(row: &[Cell]) -> usize {
    9 + row.iter().map(|c| c.len() + 9).sum::<usize>()
}

/// Room kept for one note.
pub(crate) const NOTE_ROOM: usize = 200;

/// A note to the reader (what was cut, and why).
pub(crate) fn push_note(out: &mut String, text: &str) {
    out.push_str("<p class=\"deck-note\">");
    push_escaped(out, text);
    out.push_str("</p>");
}

/// One part of a section.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// HTML, kept whole or left out whole.
    Html(String),
    /// A table, cut to the rows that fit.
    Table(Table),
}

impl Block {
    /// The bytes it takes whole, about.
    pub(crate) fn len(&self) -> usize {
        match self {
            Block::Html(h) => h.len(),
            Block::Table(t) => t.len(),
        }
    }

    /// Renders it into `out` within `budget` bytes; returns whether it was shown whole.
    pub(crate) fn render(&self, out: &mut String, budget: usize) -> bool {
        match self {
            Block::Html(h) if h.len() <= budget => {
                out.push_str(h);
                true
            }
            Block::Html(_) => false,
            Block::Table(t) => t.render(out, budget),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: usize) -> Table {
        (0..rows).fold(Table::new(["n", "<v>"]), |t, i| {
            t.row(vec![
                Cell::Text(i.to_string()),
                Cell::Text("<b>".repeat(10)),
            ])
        })
    }

    #[test]
    fn a_table_that_fits_is_whole_and_escaped() {
        let mut out = String::new();
        assert!(Block::Table(table(3)).render(&mut out, 10_000));
        assert!(
            out.contains("<th>&lt;v&gt;</th>") && out.contains("<td>&lt;b&gt;"),
            "{out}"
        );
        assert!(!out.contains("deck-note"));
        assert!(
            out.len() <= table(3).len(),
            "{} > {}",
            out.len(),
            table(3).len()
        );
    }

    #[test]
    fn a_table_over_its_budget_keeps_the_rows_that_fit_and_says_so() {
        let mut out = String::new();
        assert!(!Block::Table(table(100)).render(&mut out, 2_000));
        assert!(out.len() <= 2_000, "{}", out.len());
        assert!(
            out.contains("showing ") && out.contains(" of 100 rows"),
            "{out}"
        );
        assert!(out.contains("</tbody></table>"));
    }
}
