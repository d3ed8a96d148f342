//! Diagrams of the renderers' host fixture: docker0 with two ports (one wired to container
//! c1, one to a namespace the state does not hold), an empty user bridge, and a stray veth
//! pair `vx`/`vy` with both ends down. Docker's own states are in the scenarios.

use super::topology::{End, Role};
use super::*;
use crate::op::NetnsName;
use crate::render::tests::fixtures::{host, CTR};

fn labels() -> Labels {
    Labels {
        containers: [(NetnsName::new(CTR), vec!["web".to_string()])]
            .into_iter()
            .collect(),
        networks: [("docker0".to_string(), "bridge".to_string())]
            .into_iter()
            .collect(),
        published: vec![Published {
            host_ip: "0.0.0.0".into(),
            host_port: 8080,
            proto: "tcp".into(),
            container: "web".into(),
            container_port: 80,
        }],
    }
}

fn drawn(format: Format, reach: bool) -> String {
    draw(&host(), &labels(), Options { format, reach }).expect("draws")
}

#[test]
fn the_model_orders_host_then_containers_and_pairs_each_veth_once() {
    let t = Topology::build(&host(), &labels());
    let roles: Vec<Role> = t.namespaces.iter().map(|n| n.role).collect();
    assert_eq!(roles, [Role::Host, Role::Container]);
    assert_eq!(t.namespaces[1].title, "container web");
    assert_eq!(t.namespaces[1].subtitle, "netns c1");
    // veth357f9b6 <-> c1's eth0, and vy <-> vx inside the host; vetha847f37's peer is in a
    // namespace the state lacks, so it has no wire.
    assert_eq!(t.wires.len(), 2);
    let eth0 = End { ns: 1, ifindex: 2 };
    assert_eq!(t.peer(eth0), Some(End { ns: 0, ifindex: 4 }));
    assert!(t.wire(eth0).is_some_and(|w| w.up));
    assert!(t.wire(End { ns: 0, ifindex: 6 }).is_some_and(|w| !w.up));
    let ports: Vec<&str> = t.ports(0, 2).iter().map(|p| p.name.as_str()).collect();
    assert_eq!(ports, ["veth357f9b6", "vetha847f37"]);
    assert_eq!(t.container("web"), Some(1));
}

#[test]
fn text_labels_interfaces_as_the_tutorial_does() {
    let text = drawn(Format::Text, false);
    assert!(text.starts_with("host: root network namespace\n"), "{text}");
    assert!(text.contains(
        "  2: docker0  bridge of network bridge  172.17.0.1/16  02:42:ed:c3:77:8c  UP\n"
    ));
    assert!(text.contains("    4: veth357f9b6  port 1  6a:1f:0e:3c:5d:01  UP  <-> web 2: eth0\n"));
    assert!(text.contains("  3: br-ef9d7c74a9bb  bridge  10.0.0.1/24  02:42:7d:c4:04:b2  DOWN\n"));
    assert!(text.contains("  6: vy  0a:00:00:00:00:02  DOWN  <-> host 7: vx\n"));
    assert!(text.contains("  published 0.0.0.0:8080/tcp -> web:80\n"));
    assert!(text.contains(
        "container web: netns c1\n  2: eth0  172.17.0.2/16  02:42:ac:11:00:02  UP  <-> host 4: veth357f9b6\n"
    ));
}

#[test]
fn bare_state_draws_namespaces_by_name() {
    let text = draw(
        &host(),
        &Labels::default(),
        Options {
            format: Format::Text,
            reach: false,
        },
    )
    .expect("draws");
    assert!(
        text.contains(&format!("{CTR}: network namespace\n")),
        "{text}"
    );
    assert!(text.contains("  2: docker0  bridge  172.17.0.1/16"));
}

#[test]
fn the_reach_overlay_is_the_walk() {
    let text = drawn(Format::Text, true);
    // Alone on its bridge, with no outside to ping: a one-by-one matrix.
    assert!(
        text.contains(
            "reach: ping from each row to each column\n  FROM \\ TO  web\n  web        -\n"
        ),
        "{text}"
    );
    assert!(text.contains("published 0.0.0.0:8080/tcp -> web:80: not tried"));
}

#[test]
fn mermaid_and_dot_dash_the_down_links() {
    let mermaid = drawn(Format::Mermaid, false);
    assert!(mermaid.starts_with("flowchart TB\n"));
    assert!(mermaid.contains("  n0_6 -.-|veth| n0_7\n"), "{mermaid}");
    assert!(mermaid.contains("  n0_4 ---|veth| n1_2\n"));
    assert!(mermaid.contains("  n0_2 --- n0_4\n"));
    assert!(mermaid.contains("  pub0 -.-> n1_2\n"));
    assert!(mermaid.contains("class n0_3,n0_6,n0_7 down"));
    let dot = drawn(Format::Dot, false);
    assert!(dot.starts_with("graph docknet {\n"));
    assert!(
        dot.contains("  n0_6 -- n0_7 [label=\"veth\", style=dashed, color=gray50];\n"),
        "{dot}"
    );
    assert!(dot.trim_end().ends_with('}'));
}

#[test]
fn svg_draws_every_interface_and_marks_the_down_ones() {
    let svg = drawn(Format::Svg, true);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.ends_with("</svg>\n"));
    for name in [
        "docker0",
        "br-ef9d7c74a9bb",
        "veth357f9b6",
        "vetha847f37",
        "vx",
        "vy",
        "eth0",
    ] {
        assert!(svg.contains(&format!(": {name}</text>")), "{name} missing");
    }
    assert_eq!(svg.matches("<rect class=\"down\"").count(), 3);
    assert_eq!(svg.matches("<path class=\"wire-down\"").count(), 1);
    assert!(svg.contains("0.0.0.0:8080/tcp -&gt; web:80"));
}

#[test]
fn equal_states_draw_identical_bytes() {
    for format in [Format::Text, Format::Mermaid, Format::Dot, Format::Svg] {
        assert_eq!(drawn(format, true), drawn(format, true));
    }
}

#[test]
fn formats_by_name_and_by_file_extension() {
    assert_eq!(Format::parse("mermaid"), Some(Format::Mermaid));
    assert_eq!(Format::parse("png"), None);
    assert_eq!(Format::from_path("docs/x.svg"), Some(Format::Svg));
    assert_eq!(Format::from_path("x.gv"), Some(Format::Dot));
    assert_eq!(Format::from_path("x.mmd"), Some(Format::Mermaid));
    assert_eq!(Format::from_path("noext"), None);
}

#[test]
fn lane_headers_wrap_at_words() {
    assert_eq!(
        svg::layout::wrap("the network beyond the host's NICs", 24),
        ["the network beyond the", "host's NICs"]
    );
}
