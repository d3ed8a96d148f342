//! Go's `text/tabwriter` as the docker CLI configures it: min width 10, padding 3, spaces.

/// Aligns tab-separated lines; the last cell of each line is printed as is.
pub fn tabwrite(lines: &[String]) -> String {
    let rows: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for r in &rows {
        for (i, cell) in r.iter().enumerate().take(r.len().saturating_sub(1)) {
            widths[i] = widths[i].max(cell.chars().count() + 3);
        }
    }
    for w in widths.iter_mut() {
        *w = (*w).max(10);
    }
    let mut out = String::new();
    for r in &rows {
        for (i, cell) in r.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < r.len() {
                let pad = widths[i] - cell.chars().count();
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    }
    out
}

/// Docker's natural sort order (`sortorder.NaturalLess`): digit runs compare as numbers.
pub fn natural_less(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (ca, cb) = (a[i], b[j]);
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let si = i;
            while i < a.len() && a[i] == b'0' {
                i += 1;
            }
            let sj = j;
            while j < b.len() && b[j] == b'0' {
                j += 1;
            }
            let ni = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let nj = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let (da, db) = (&a[ni..i], &b[nj..j]);
            if da.len() != db.len() {
                return da.len() < db.len();
            }
            if da != db {
                return da < db;
            }
            // Equal numbers: fewer leading zeros first.
            if i - si != j - sj {
                return i - si < j - sj;
            }
        } else {
            if ca != cb {
                return ca < cb;
            }
            i += 1;
            j += 1;
        }
    }
    a.len() - i < b.len() - j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_docker_network_ls() {
        let out = tabwrite(&[
            "NETWORK ID\tNAME\tDRIVER\tSCOPE".to_string(),
            "46d1d7f6ca61\tbridge\tbridge\tlocal".to_string(),
        ]);
        assert_eq!(
            out,
            "NETWORK ID     NAME      DRIVER    SCOPE\n46d1d7f6ca61   bridge    bridge    local\n"
        );
    }

    #[test]
    fn natural() {
        assert!(natural_less("net2", "net10"));
        assert!(natural_less("auto2", "bridge"));
        assert!(!natural_less("b", "a"));
        assert!(natural_less("a", "ab"));
    }
}
