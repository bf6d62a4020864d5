//! The env stage of a compilation kept between re-checks (issue 13): a keystroke in a policy
//! changes neither its env files nor its options, so the language server parses and checks
//! the env files and builds the scope once, and each re-check starts from a copy of that.
//!
//! The stage is reused only when it provably is what [`crate::compile::prepare`] would build
//! again: the same env inputs (names and bytes, or the same refusal), the same options (their
//! whole `Debug` text, so a field added later is covered), no Kubernetes inputs and no
//! `--scripts` run (those read files through the path map, which may change on disk). Anything
//! else compiles as usual.

use crate::compile::{
    add_source, compile_prepared, prepare_env, Build, Compilation, Input, Options, Prepared,
    Unreadable, MAX_POLICY_BYTES,
};
use crate::diagnostic::Diagnostics;
use crate::kubernetes::{Kubernetes, NodePod};
use crate::resolve::scope::Scope;
use crate::resolve::script_resume::Resume;
use crate::source::{SourceFile, SourceMap};

/// The env stage of the last compilation, with what it was built from.
#[derive(Debug, Default)]
pub(crate) struct EnvStage {
    kept: Option<Kept>,
    /// How many times a stage was built or bypassed: which stage a compilation used.
    builds: usize,
}

#[derive(Debug)]
struct Kept {
    env: Vec<Result<Input, Unreadable>>,
    options: String,
    /// Every source after file 0 (a placeholder while the stage was built), in id order.
    sources: Vec<SourceFile>,
    diags: Diagnostics,
    scope: Scope,
    pod: Option<NodePod>,
}

fn same_inputs(a: &[Result<Input, Unreadable>], b: &[Result<Input, Unreadable>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (Ok(x), Ok(y)) => x.name == y.name && x.bytes == y.bytes,
            (Err(x), Err(y)) => x == y,
            _ => false,
        })
}

impl EnvStage {
    /// Whether a compile with these inputs keeps its env stage and may resume a script run:
    /// not with Kubernetes inputs or `--scripts` (they read files through the path map).
    pub(crate) fn resumable(kubernetes: &Kubernetes, options: &Options) -> bool {
        kubernetes.values.is_empty()
            && kubernetes.manifests.is_empty()
            && kubernetes.chart.is_none()
            && options.scripts.is_none()
    }

    /// [`crate::compile::compile_for_editor`], reusing the kept env stage when it is the
    /// same, else building (and keeping) a new one. The script run resumes
    /// `resume.previous` only when that run was made in this same kept stage (`made_in`, a
    /// value of [`EnvStage::generation`]); the new run is left in `resume.run`.
    pub(crate) fn compile(
        &mut self,
        (policy, env_files): (&Result<Input, Unreadable>, &[Result<Input, Unreadable>]),
        kubernetes: &Kubernetes,
        options: &Options,
        resume: &mut Resume,
        made_in: Option<usize>,
    ) -> Compilation {
        if !EnvStage::resumable(kubernetes, options) {
            self.kept = None;
            self.builds += 1; // no run made before this is resumed
            resume.previous = None;
            return crate::compile::compile_for_editor(policy, env_files, kubernetes, options);
        }
        let key = format!("{options:?}");
        let fresh = self
            .kept
            .as_ref()
            .is_none_or(|k| k.options != key || !same_inputs(&k.env, env_files));
        if fresh {
            self.kept = Some(build(env_files, kubernetes, options, key));
            self.builds += 1;
        }
        if !self.may_resume(made_in, options) {
            resume.previous = None;
        }
        let kept = self.kept.as_ref().expect("kept above");
        // File 0 and its finding first, then the kept files and findings: what `prepare`
        // builds, in its order.
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let main = add_source(&mut sources, policy.as_ref(), MAX_POLICY_BYTES, &mut diags);
        for file in &kept.sources {
            sources.add(file.clone());
        }
        kept.diags.iter().for_each(|d| diags.push(d.clone()));
        let prepared = Prepared {
            sources,
            diags,
            scope: kept.scope.clone(),
            main,
            pod: kept.pod.clone(),
        };
        compile_prepared(prepared, options, Build::Findings, Some(resume))
    }

    /// Whether a script run made in stage `made_in` may be resumed now: the same kept stage
    /// (hence the same env and options), and no active path map (the run reads the machine's
    /// files only through one, for `process` and `file test`; they may have changed since).
    fn may_resume(&self, made_in: Option<usize>, options: &Options) -> bool {
        made_in == Some(self.builds) && !options.path_map.is_active()
    }

    /// Which kept stage the last compilation used (it changes whenever the stage is rebuilt
    /// or bypassed).
    pub(crate) fn generation(&self) -> usize {
        self.builds
    }
}

fn build(
    env_files: &[Result<Input, Unreadable>],
    kubernetes: &Kubernetes,
    options: &Options,
    key: String,
) -> Kept {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("", String::new()));
    let mut diags = Diagnostics::new();
    let (scope, pod) = prepare_env(
        &mut sources,
        &mut diags,
        env_files.iter().map(Result::as_ref),
        kubernetes,
        options,
    );
    Kept {
        env: env_files.to_vec(),
        options: key,
        sources: sources.iter().skip(1).map(|(_, f)| f.clone()).collect(),
        diags,
        scope,
        pod,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(text: &str) -> Vec<Result<Input, Unreadable>> {
        vec![Ok(Input::text("base_configs.env", text))]
    }

    #[test]
    fn a_stage_is_kept_while_env_and_options_stay_the_same() {
        let policy = |port: &str| {
            Ok(Input::text(
                "p.policy",
                format!("{{'config': {{'port': '{port}', 'script': ['run scheduler 1']}}}}"),
            ))
        };
        let (k8s, mut options) = (Kubernetes::default(), Options::default());
        let mut stage = EnvStage::default();
        let a = env("NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\n");
        for port in ["!anylog_server_port", "!anylog_server_prt", "x"] {
            stage.compile(
                (&policy(port), &a),
                &k8s,
                &options,
                &mut Resume::default(),
                None,
            );
        }
        assert_eq!(stage.builds, 1);
        let b = env("NODE_TYPE=operator\nANYLOG_SERVER_PORT=32149\n");
        let p = policy("!anylog_server_port");
        let c = stage.compile((&p, &b), &k8s, &options, &mut Resume::default(), None);
        assert_eq!(stage.builds, 2);
        assert!(c.scope.iter().any(|v| v.name == "anylog_server_port"));
        options.sets.push(("anylog_server_port".into(), "1".into()));
        stage.compile((&p, &b), &k8s, &options, &mut Resume::default(), None);
        assert_eq!(stage.builds, 3);
        options.scripts = Some("/app/deployment-scripts".into());
        stage.compile((&p, &b), &k8s, &options, &mut Resume::default(), None);
        stage.compile((&p, &b), &k8s, &options, &mut Resume::default(), None);
        assert_eq!(stage.builds, 5, "--scripts compiles from scratch");
        assert!(stage.kept.is_none());
    }

    struct NoFiles;
    impl crate::path_map::LocalFiles for NoFiles {
        fn is_file(&self, _: &std::path::Path) -> bool {
            false
        }
    }

    #[test]
    fn a_run_resumes_only_in_its_own_stage_without_an_active_path_map() {
        let mut options = Options::default();
        let mut stage = EnvStage::default();
        let p = Ok(Input::text(
            "p.policy",
            "{'config': {'script': ['run scheduler 1']}}",
        ));
        let e = env("NODE_TYPE=operator\n");
        stage.compile(
            (&p, &e),
            &Kubernetes::default(),
            &options,
            &mut Resume::default(),
            None,
        );
        let made_in = Some(stage.generation());
        assert!(stage.may_resume(made_in, &options));
        assert!(!stage.may_resume(None, &options));
        assert!(!stage.may_resume(made_in.map(|g| g - 1), &options));
        options.path_map = crate::path_map::PathMap {
            mappings: vec![crate::path_map::Mapping::parse("/app/x=./x").expect("a mapping")],
            files: Some(std::sync::Arc::new(NoFiles)),
        };
        assert!(!stage.may_resume(made_in, &options));
    }
}
