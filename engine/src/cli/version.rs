//! `docker version`: CLI 20.10's template over the versions of the recorded host (Debian
//! bookworm's docker.io 20.10.24+dfsg1, containerd 1.6.20, runc 1.1.5).
//!
//! The server half is copied from the recording (reference 02-docker-version.txt); the client
//! half uses `docker --version` of the 20.10 CLI there (build 297e128) and, where nothing was
//! recorded, the server's values (Go version, build time).

use crate::output::CommandOutput;

/// What `docker version` prints (tabwriter min width 20, padding 1, already applied).
const VERSION: &str = "Client:
 Version:           20.10.24+dfsg1
 API version:       1.41
 Go version:        go1.19.8
 Git commit:        297e128
 Built:             Thu May  7 21:09:36 2026
 OS/Arch:           linux/amd64
 Context:           default
 Experimental:      true

Server:
 Engine:
  Version:          20.10.24+dfsg1
  API version:      1.41 (minimum version 1.12)
  Go version:       go1.19.8
  Git commit:       5d6db84
  Built:            Thu May  7 21:09:36 2026
  OS/Arch:          linux/amd64
  Experimental:     false
 containerd:
  Version:          1.6.20~ds1
  GitCommit:        1.6.20~ds1-1+deb12u3
 runc:
  Version:          1.1.5+ds1
  GitCommit:        1.1.5+ds1-1+deb12u1
 docker-init:
  Version:          0.19.0
  GitCommit:        
";

/// `docker version` (flags other than none are not modelled).
pub fn version(args: &[String]) -> CommandOutput {
    if let Some(a) = args.first() {
        return CommandOutput::fail(format!("docknet: docker version {a} is not modelled\n"), 1);
    }
    CommandOutput::ok(VERSION)
}
