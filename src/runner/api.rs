//! The Engine API over a started host: each request goes to the engine, and what the engine
//! leaves to the host (a container's main process, an exec's program) runs here, with the
//! same in-container tools a replay's `docker exec` uses.

use docknet_engine::api::attach::AttachSpec;
use docknet_engine::api::{ApiRequest, ApiResponse, ExecSpec};
use docknet_engine::container::process::Finished;
use docknet_engine::output::CommandOutput;

use super::Runner;

impl Runner<'_> {
    /// Answers one Engine API request, then runs any main process a start left pending.
    pub fn api(&mut self, req: &ApiRequest) -> ApiResponse {
        let (_, path) = docknet_engine::api::strip_version(&req.path);
        if path == "/networks/create" {
            self.tell_host_facts();
        }
        let resp = self.engine.api(&mut self.kernel, req);
        while let Some(mut process) = self.engine.take_pending_process() {
            // Always captured: an attach or `logs` may ask for it.
            process.attached = true;
            let id = process.container_id.clone();
            let mut out = CommandOutput::default();
            self.run_main_process(process, &mut out);
            let done = Finished {
                stdout: out.stdout,
                stderr: out.stderr,
                exit: out.exit,
            };
            self.engine.record_main_output(&id, done);
        }
        resp
    }

    /// Runs an exec the API started, records its exit code, and returns what it printed.
    pub fn api_exec(&mut self, spec: &ExecSpec) -> CommandOutput {
        let mut argv = vec![
            "docker".to_string(),
            "exec".to_string(),
            spec.container.clone(),
        ];
        argv.extend(spec.cmd.iter().cloned());
        let out = self.exec_in(&argv, &spec.container, &spec.cmd).output;
        self.engine.exec_finished(&spec.exec_id, out.exit);
        out
    }

    /// A held `wait`'s answer, once its condition holds.
    pub fn api_wait(&self, spec: &docknet_engine::api::WaitSpec) -> Option<serde_json::Value> {
        self.engine.wait_result(spec)
    }

    /// A held attach's bytes, once the container has exited.
    pub fn api_attach(&self, spec: &AttachSpec) -> Option<Vec<u8>> {
        self.engine.attach_result(spec)
    }
}
