//! The little docknet knows about images: there is no image store, so any name is accepted and
//! runs as a locally present image would. For the images the tutorial uses, a built-in table
//! gives the entrypoint, default command and exposed ports their real configs have, so
//! `docker ps` reads like the tutorial; any other image without a command runs `sh`.

use crate::container::port::{PortProto, Proto};
use crate::rng::SeededRng;

/// What an image contributes to a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageConfig {
    /// `Config.Entrypoint`.
    pub entrypoint: Option<Vec<String>>,
    /// `Config.Cmd` when the user gives none.
    pub cmd: Vec<String>,
    /// `Config.ExposedPorts`.
    pub exposed: Vec<PortProto>,
    /// `State.ExitCode` after `docker stop`: 0 when the main process handles SIGTERM, 137 when
    /// it ignores it (a PID-1 `sleep` or `sh`) and is killed after the timeout.
    pub stop_exit_code: i32,
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn tcp(port: u16) -> PortProto {
    PortProto {
        port,
        proto: Proto::Tcp,
    }
}

/// The name an image is pulled and counted under: `name:tag`, `latest` when no tag is given.
pub fn pulled_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    if last.contains(':') || image.contains('@') {
        image.to_string()
    } else {
        format!("{image}:latest")
    }
}

/// The config of `image` (tag and registry ignored).
pub fn lookup(image: &str) -> ImageConfig {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split(':').next().unwrap_or(base);
    match base {
        // dumlutimuralp/networktest is nginx-based: entrypoint script, nginx in the foreground.
        "networktest" | "nginx" => ImageConfig {
            entrypoint: Some(strings(&["/docker-entrypoint.sh"])),
            cmd: strings(&["nginx", "-g", "daemon off;"]),
            exposed: if base == "nginx" {
                vec![tcp(80)]
            } else {
                vec![tcp(80), tcp(443)]
            },
            stop_exit_code: 0,
        },
        "postgres" => ImageConfig {
            entrypoint: Some(strings(&["docker-entrypoint.sh"])),
            cmd: strings(&["postgres"]),
            exposed: vec![tcp(5432)],
            stop_exit_code: 0,
        },
        _ => ImageConfig {
            entrypoint: None,
            cmd: strings(&["sh"]),
            exposed: Vec::new(),
            stop_exit_code: 137,
        },
    }
}

const ADJECTIVES: &[&str] = &[
    "admiring",
    "adoring",
    "affectionate",
    "agitated",
    "amazing",
    "angry",
    "awesome",
    "blissful",
    "bold",
    "boring",
    "brave",
    "busy",
    "charming",
    "clever",
    "cool",
    "compassionate",
    "competent",
    "confident",
    "crazy",
    "dazzling",
    "determined",
    "distracted",
    "dreamy",
    "eager",
    "ecstatic",
    "elastic",
    "elated",
    "elegant",
    "epic",
    "festive",
    "focused",
    "friendly",
    "funny",
    "gallant",
    "gifted",
    "goofy",
    "gracious",
    "happy",
    "hardcore",
    "heuristic",
    "hopeful",
    "hungry",
    "infallible",
    "inspiring",
    "jolly",
    "jovial",
    "keen",
    "kind",
    "laughing",
    "loving",
    "lucid",
    "magical",
    "modest",
    "musing",
    "naughty",
    "nervous",
    "nice",
    "nifty",
    "nostalgic",
    "objective",
    "optimistic",
    "peaceful",
    "pedantic",
    "pensive",
    "practical",
    "priceless",
    "quirky",
    "quizzical",
    "relaxed",
    "reverent",
    "romantic",
    "sad",
    "serene",
    "sharp",
    "silly",
    "sleepy",
    "stoic",
    "strange",
    "stupefied",
    "suspicious",
    "sweet",
    "tender",
    "thirsty",
    "trusting",
    "unruffled",
    "upbeat",
    "vibrant",
    "vigilant",
    "vigorous",
    "wizardly",
    "wonderful",
    "xenodochial",
    "youthful",
    "zealous",
    "zen",
];

const SURNAMES: &[&str] = &[
    "albattani",
    "allen",
    "almeida",
    "archimedes",
    "ardinghelli",
    "babbage",
    "banach",
    "bardeen",
    "bartik",
    "bell",
    "benz",
    "bhabha",
    "black",
    "bohr",
    "booth",
    "borg",
    "bose",
    "brattain",
    "brown",
    "carson",
    "chandrasekhar",
    "colden",
    "cori",
    "curie",
    "darwin",
    "davinci",
    "diffie",
    "dijkstra",
    "dirac",
    "driscoll",
    "dubinsky",
    "einstein",
    "elion",
    "engelbart",
    "euclid",
    "euler",
    "fermat",
    "fermi",
    "feynman",
    "franklin",
    "galileo",
    "gates",
    "goldberg",
    "goodall",
    "haibt",
    "hamilton",
    "hawking",
    "heisenberg",
    "hermann",
    "hodgkin",
    "hoover",
    "hopper",
    "hypatia",
    "jackson",
    "jang",
    "jennings",
    "jepsen",
    "kalam",
    "kapitsa",
    "keller",
    "kepler",
    "khorana",
    "kilby",
    "knuth",
    "lalande",
    "lamport",
    "leakey",
    "lovelace",
    "lumiere",
    "mahavira",
    "mayer",
    "mccarthy",
    "mcclintock",
    "meitner",
    "mendel",
    "merkle",
    "minsky",
    "morse",
    "napier",
    "newton",
    "nobel",
    "noether",
    "pare",
    "pascal",
    "pasteur",
    "perlman",
    "pike",
    "poincare",
    "ptolemy",
    "raman",
    "ritchie",
    "rosalind",
    "sammet",
    "shannon",
    "shockley",
    "sinoussi",
    "stallman",
    "swanson",
    "tesla",
    "thompson",
    "torvalds",
    "turing",
    "varahamihira",
    "visvesvaraya",
    "wescoff",
    "wiles",
    "williams",
    "wing",
    "wozniak",
    "wright",
    "yalow",
    "yonath",
];

/// A name as Docker's `namesgenerator` makes them (`adjective_surname`), from the seed.
pub fn random_name(rng: &mut SeededRng) -> String {
    let a = ADJECTIVES[(rng.next_u64() % ADJECTIVES.len() as u64) as usize];
    let s = SURNAMES[(rng.next_u64() % SURNAMES.len() as u64) as usize];
    format!("{a}_{s}")
}

/// Whether `name` is one [`random_name`] could have made (a real daemon's are random too).
pub fn is_generated_name(name: &str) -> bool {
    name.split_once('_')
        .is_some_and(|(a, s)| ADJECTIVES.contains(&a) && SURNAMES.contains(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_images() {
        let n = lookup("dumlutimuralp/networktest");
        assert_eq!(n.exposed.len(), 2);
        assert_eq!(
            n.entrypoint.as_deref(),
            Some(&["/docker-entrypoint.sh".to_string()][..])
        );
        assert_eq!(lookup("postgres:13").cmd, vec!["postgres"]);
        assert_eq!(lookup("bbref").stop_exit_code, 137);
        let name = random_name(&mut SeededRng::new(1));
        assert!(name.contains('_') && is_generated_name(&name));
        assert!(!is_generated_name("my_psql_db") && !is_generated_name("test1"));
    }
}
