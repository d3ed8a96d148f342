//! Reading a rule's words: the basic matches, `-m` modules and their options, the target and
//! its options, each possibly behind `!`.

use super::matches::{AddrType, CtState, Iface, Module, Neg, PortRange, PortSide, Proto};
use super::target::{reject_type, NatTo, Target, DEFAULT_REJECT_WITH};
use super::{parse_net, RuleError, RuleSpec};

/// The parser's position: which module or target later options belong to.
#[derive(Default)]
pub(super) struct Parser {
    rule: RuleSpec,
    negate: bool,
    /// The target's name, once `-j`/`-g` was read, and whether it was `-g`.
    target: Option<(String, bool)>,
    target_opts: Vec<(String, String)>,
}

fn value<'a>(words: &'a [String], i: &mut usize, opt: &str) -> Result<&'a str, RuleError> {
    *i += 1;
    words
        .get(*i)
        .map(String::as_str)
        .ok_or_else(|| RuleError::MissingValue(opt.to_string()))
}

fn port(s: &str) -> Result<PortRange, RuleError> {
    PortRange::parse(s).ok_or_else(|| RuleError::BadPort(s.to_string()))
}

impl Parser {
    fn neg<T>(&mut self, value: T) -> Neg<T> {
        let negated = std::mem::take(&mut self.negate);
        Neg { value, negated }
    }

    pub(super) fn run(mut self, words: &[String]) -> Result<RuleSpec, RuleError> {
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_str();
            if w == "!" {
                self.negate = true;
            } else if self.target.is_some() {
                let v = value(words, &mut i, w)?;
                self.target_opts.push((w.to_string(), v.to_string()));
            } else {
                self.word(words, &mut i, w)?;
            }
            i += 1;
        }
        self.finish_target()?;
        Ok(self.rule)
    }

    fn word(&mut self, words: &[String], i: &mut usize, w: &str) -> Result<(), RuleError> {
        match w {
            "-s" | "--source" | "--src" => {
                let v = value(words, i, w)?;
                let net = parse_net(v).ok_or_else(|| RuleError::BadAddress(v.into()))?;
                self.rule.src = Some(self.neg(net));
            }
            "-d" | "--destination" | "--dst" => {
                let v = value(words, i, w)?;
                let net = parse_net(v).ok_or_else(|| RuleError::BadAddress(v.into()))?;
                self.rule.dst = Some(self.neg(net));
            }
            "-i" | "--in-interface" => {
                let v = value(words, i, w)?;
                self.rule.in_iface = Some(self.neg(Iface(v.into())));
            }
            "-o" | "--out-interface" => {
                let v = value(words, i, w)?;
                self.rule.out_iface = Some(self.neg(Iface(v.into())));
            }
            "-p" | "--protocol" => {
                let v = value(words, i, w)?;
                if v != "all" {
                    let p = Proto::parse(v).ok_or_else(|| RuleError::BadProto(v.into()))?;
                    self.rule.proto = Some(self.neg(p));
                }
            }
            "-m" | "--match" => {
                let v = value(words, i, w)?;
                self.open_module(v)?;
            }
            "-j" | "--jump" | "-g" | "--goto" => {
                let v = value(words, i, w)?;
                self.target = Some((v.to_string(), w.starts_with("-g") || w == "--goto"));
            }
            opt => self.module_option(words, i, opt)?,
        }
        Ok(())
    }

    fn open_module(&mut self, name: &str) -> Result<(), RuleError> {
        let m = match name {
            "tcp" => Module::Tcp {
                sport: None,
                dport: None,
                flags: None,
            },
            "udp" => Module::Udp {
                sport: None,
                dport: None,
            },
            "addrtype" => Module::AddrType {
                src: None,
                dst: None,
            },
            "conntrack" => Module::Conntrack(Neg::is(Vec::new())),
            "state" => Module::State(Neg::is(Vec::new())),
            "multiport" => {
                if !self
                    .rule
                    .proto
                    .as_ref()
                    .is_some_and(|p| p.value.has_ports())
                {
                    return Err(RuleError::PortsNeedProto);
                }
                Module::Multiport(PortSide::Destination, Neg::is(Vec::new()))
            }
            "comment" => Module::Comment(String::new()),
            other => return Err(RuleError::UnsupportedMatch(other.to_string())),
        };
        self.rule.modules.push(m);
        Ok(())
    }

    /// The last module of the rule with this name, opening it implicitly for the port
    /// options of `-p tcp`/`-p udp` as iptables does.
    fn module_for(&mut self, opt: &str) -> Result<&mut Module, RuleError> {
        let wanted: &[&str] = match opt {
            "--sport" | "--source-port" | "--dport" | "--destination-port" => {
                &["tcp", "udp", "sctp"]
            }
            "--tcp-flags" => &["tcp"],
            "--src-type" | "--dst-type" => &["addrtype"],
            "--ctstate" => &["conntrack"],
            "--state" => &["state"],
            "--sports" | "--dports" | "--ports" | "--source-ports" | "--destination-ports" => {
                &["multiport"]
            }
            "--comment" => &["comment"],
            _ => return Err(RuleError::UnknownOption(opt.to_string())),
        };
        let found = self
            .rule
            .modules
            .iter()
            .rposition(|m| wanted.contains(&m.name()));
        let idx = match found {
            Some(i) => i,
            None => {
                let proto = self.rule.proto.as_ref().map(|p| p.value);
                let implicit = match (wanted, proto) {
                    ([.., "sctp"], Some(Proto::TCP)) | (["tcp"], Some(Proto::TCP)) => "tcp",
                    ([.., "sctp"], Some(Proto::UDP)) => "udp",
                    ([.., "sctp"], Some(Proto(132))) => "sctp",
                    _ => return Err(RuleError::UnknownOption(opt.to_string())),
                };
                self.open_module(implicit)?;
                self.rule.modules.len() - 1
            }
        };
        Ok(&mut self.rule.modules[idx])
    }

    fn module_option(
        &mut self,
        words: &[String],
        i: &mut usize,
        opt: &str,
    ) -> Result<(), RuleError> {
        let v = value(words, i, opt)?.to_string();
        let negated = std::mem::take(&mut self.negate);
        let bad = || RuleError::BadValue {
            option: opt.trim_start_matches('-').into(),
            value: v.clone(),
        };
        let m = self.module_for(opt)?;
        match (m, opt) {
            (
                Module::Tcp { sport, .. } | Module::Udp { sport, .. },
                "--sport" | "--source-port",
            ) => {
                *sport = Some(Neg {
                    value: port(&v)?,
                    negated,
                })
            }
            (
                Module::Tcp { dport, .. } | Module::Udp { dport, .. } | Module::Sctp { dport, .. },
                _,
            ) if opt == "--dport" || opt == "--destination-port" => {
                *dport = Some(Neg {
                    value: port(&v)?,
                    negated,
                })
            }
            (Module::Tcp { flags, .. }, "--tcp-flags") => {
                *i += 1;
                let comp = words
                    .get(*i)
                    .ok_or_else(|| RuleError::MissingValue(opt.into()))?;
                *flags = Some(Neg {
                    value: (v.clone(), comp.clone()),
                    negated,
                });
            }
            (Module::AddrType { src, .. }, "--src-type") => {
                *src = Some(Neg {
                    value: AddrType::parse(&v).ok_or_else(bad)?,
                    negated,
                })
            }
            (Module::AddrType { dst, .. }, "--dst-type") => {
                *dst = Some(Neg {
                    value: AddrType::parse(&v).ok_or_else(bad)?,
                    negated,
                })
            }
            (Module::Conntrack(st) | Module::State(st), _) => {
                *st = Neg {
                    value: CtState::parse_list(&v).ok_or_else(bad)?,
                    negated,
                }
            }
            (Module::Multiport(side, ports), _) => {
                *side = match opt {
                    "--sports" | "--source-ports" => PortSide::Source,
                    "--dports" | "--destination-ports" => PortSide::Destination,
                    _ => PortSide::Either,
                };
                let list: Result<Vec<PortRange>, RuleError> = v.split(',').map(port).collect();
                *ports = Neg {
                    value: list?,
                    negated,
                };
            }
            (Module::Comment(text), _) => *text = v.clone(),
            _ => return Err(RuleError::UnknownOption(opt.to_string())),
        }
        Ok(())
    }

    fn finish_target(&mut self) -> Result<(), RuleError> {
        let Some((name, goto)) = self.target.take() else {
            return Ok(());
        };
        let opts = std::mem::take(&mut self.target_opts);
        let opt = |k: &str| opts.iter().find(|(o, _)| o == k).map(|(_, v)| v.as_str());
        let known: &[&str] = match name.as_str() {
            "REJECT" => &["--reject-with"],
            "LOG" => &["--log-prefix", "--log-level"],
            "DNAT" => &["--to-destination"],
            "SNAT" => &["--to-source"],
            "MASQUERADE" => &["--to-ports"],
            _ => &[],
        };
        if let Some((o, _)) = opts.iter().find(|(o, _)| !known.contains(&o.as_str())) {
            return Err(RuleError::UnknownOption(o.clone()));
        }
        let nat = |target: &str, option: &str| -> Result<NatTo, RuleError> {
            let v = opt(option).ok_or_else(|| RuleError::NatNeedsTo {
                target: target.into(),
                option: option.into(),
            })?;
            NatTo::parse(v).ok_or_else(|| RuleError::BadAddress(v.into()))
        };
        let target = match name.as_str() {
            _ if goto => Target::Goto(name.clone()),
            "ACCEPT" => Target::Accept,
            "DROP" => Target::Drop,
            "RETURN" => Target::Return,
            "REJECT" => {
                let with = opt("--reject-with").unwrap_or(DEFAULT_REJECT_WITH);
                Target::Reject(
                    reject_type(with)
                        .ok_or_else(|| RuleError::BadValue {
                            option: "reject-with".into(),
                            value: with.into(),
                        })?
                        .to_string(),
                )
            }
            "LOG" => Target::Log {
                prefix: opt("--log-prefix").map(String::from),
                level: opt("--log-level").map(String::from),
            },
            "DNAT" => Target::Dnat(nat("DNAT", "--to-destination")?),
            "SNAT" => Target::Snat(nat("SNAT", "--to-source")?),
            "MASQUERADE" => Target::Masquerade(match opt("--to-ports") {
                None => None,
                Some(p) => {
                    let r = PortRange::parse(&p.replace('-', ":"))
                        .ok_or_else(|| RuleError::BadPort(p.into()))?;
                    Some((r.lo, r.hi))
                }
            }),
            chain => Target::Jump(chain.to_string()),
        };
        self.rule.target = Some(target);
        Ok(())
    }
}
