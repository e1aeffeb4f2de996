//! The demo database: a small music catalogue in Chinook's shape (`artists`, `albums`,
//! `tracks`), made by this code so nothing is downloaded. `examples/data/demo.sqlite` is its
//! output, checked in; a test rebuilds it and compares the rows
//! (`UPDATE_DEMO_DB=1 cargo test -p flyte-examples demo` rewrites it).

use std::path::Path;

const ARTISTS: &[(i64, &str)] = &[
    (1, "The Rustaceans"),
    (2, "Borrow Checker"),
    (3, "Lifetimes Apart"),
    (4, "Async Await"),
];

const ALBUMS: &[(i64, &str, i64)] = &[
    (1, "Zero-Cost Abstractions", 1),
    (2, "Fearless Concurrency", 1),
    (3, "Cannot Move Out", 2),
    (4, "'static", 3),
    (5, "Pinned", 4),
];

/// One track: (id, name, album, composer, milliseconds, unit price).
type Track = (i64, &'static str, i64, Option<&'static str>, i64, f64);

const TRACKS: &[Track] = &[
    (1, "Ownership", 1, Some("Ferris"), 201_000, 0.99),
    (2, "Move Semantics", 1, Some("Ferris"), 187_500, 0.99),
    (3, "Traits in Motion", 1, None, 244_120, 0.99),
    (4, "Send + Sync", 2, Some("Ferris, Corro"), 199_800, 1.29),
    (5, "Mutex Blues", 2, Some("Corro"), 263_040, 0.99),
    (6, "Arc of Time", 2, None, 301_900, 1.29),
    (7, "E0382", 3, Some("Bors"), 95_000, 0.99),
    (8, "Use After Move", 3, Some("Bors"), 178_330, 0.99),
    (9, "Mutable Aliasing", 3, None, 222_222, 0.99),
    (10, "Outlives", 4, Some("Lifetime Crew"), 250_000, 0.99),
    (11, "Elision", 4, Some("Lifetime Crew"), 133_700, 0.99),
    (12, "Variance (Covariant Mix)", 4, None, 287_100, 1.29),
    (
        13,
        "Poll Me Maybe",
        5,
        Some("Tokio Ensemble"),
        205_600,
        0.99,
    ),
    (14, "Waker", 5, Some("Tokio Ensemble"), 190_000, 0.99),
    (15, "Select!", 5, None, 176_400, 1.29),
    (
        16,
        "O'Reilly's Reel",
        5,
        Some("Tokio Ensemble"),
        240_000,
        0.99,
    ),
];

/// Creates the demo database at `path` (replacing any file there).
pub fn create_demo_db(path: &Path) -> rusqlite::Result<()> {
    let _ = std::fs::remove_file(path);
    let mut conn = rusqlite::Connection::open(path)?;
    let tx = conn.transaction()?;
    tx.execute_batch(
        "CREATE TABLE artists (ArtistId INTEGER PRIMARY KEY, Name TEXT NOT NULL);
         CREATE TABLE albums (AlbumId INTEGER PRIMARY KEY, Title TEXT NOT NULL,
                              ArtistId INTEGER NOT NULL REFERENCES artists(ArtistId));
         CREATE TABLE tracks (TrackId INTEGER PRIMARY KEY, Name TEXT NOT NULL,
                              AlbumId INTEGER REFERENCES albums(AlbumId), Composer TEXT,
                              Milliseconds INTEGER NOT NULL, UnitPrice REAL NOT NULL);",
    )?;
    for (id, name) in ARTISTS {
        tx.execute("INSERT INTO artists VALUES (?1, ?2)", (id, name))?;
    }
    for (id, title, artist) in ALBUMS {
        tx.execute(
            "INSERT INTO albums VALUES (?1, ?2, ?3)",
            (id, title, artist),
        )?;
    }
    for (id, name, album, composer, ms, price) in TRACKS {
        tx.execute(
            "INSERT INTO tracks VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (id, name, album, composer, ms, price),
        )?;
    }
    tx.commit()?;
    conn.execute_batch("VACUUM")?;
    Ok(())
}

/// Every row of every table as text, one line each (to compare two databases by content).
pub fn dump(path: &Path) -> rusqlite::Result<Vec<String>> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut out = Vec::new();
    for table in ["artists", "albums", "tracks"] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1"))?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let cells: Vec<String> = (0..n)
                .map(|i| {
                    row.get::<_, rusqlite::types::Value>(i)
                        .map(|v| format!("{v:?}"))
                })
                .collect::<Result<_, _>>()?;
            out.push(format!("{table}: {}", cells.join(" | ")));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_db_in_the_repo_is_what_this_code_makes() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join(super::super::DEMO_DB);
        let fresh = std::env::temp_dir().join(format!("flyte-demo-{}.sqlite", std::process::id()));
        create_demo_db(&fresh).unwrap();
        if std::env::var_os("UPDATE_DEMO_DB").is_some() {
            std::fs::copy(&fresh, &shipped).unwrap();
        }
        let (want, got) = (dump(&fresh).unwrap(), dump(&shipped).unwrap());
        std::fs::remove_file(&fresh).unwrap();
        assert_eq!(want.len(), ARTISTS.len() + ALBUMS.len() + TRACKS.len());
        assert_eq!(
            got, want,
            "{} differs from what demo.rs makes; run UPDATE_DEMO_DB=1 cargo test -p flyte-examples demo",
            shipped.display()
        );
    }
}
