//! An executor's registered path (the template's last loader arg) is the same however its
//! type is spelt in the `impl`: `Exec`, `self::Exec` and `crate::module::Exec` all register
//! `<crate>::<module>::Exec`.

use flyte_runtime::__private::RegisteredExecutor;

/// Executors named three ways.
pub mod spelt {
    use flyte_runtime::prelude::*;

    /// A task type without configuration.
    #[derive(serde::Serialize, serde::Deserialize)]
    #[container_task(task_type = "path-demo", image = "example.com/img:1", executor = Plain)]
    pub struct Cfg {}

    /// Named `Plain`.
    #[derive(Default)]
    pub struct Plain;
    /// Named `self::WithSelf`.
    #[derive(Default)]
    pub struct WithSelf;
    /// Named `crate::spelt::WithCrate`.
    #[derive(Default)]
    pub struct WithCrate;

    #[shim_executor]
    impl ShimTaskExecutor for Plain {
        type Task = Cfg;
        fn execute_from_model(
            &self,
            _: &ExecutionContext,
            _: Cfg,
            i: Literals,
        ) -> Result<Literals, TaskError> {
            Ok(i)
        }
    }

    #[shim_executor]
    impl ShimTaskExecutor for self::WithSelf {
        type Task = Cfg;
        fn execute_from_model(
            &self,
            _: &ExecutionContext,
            _: Cfg,
            i: Literals,
        ) -> Result<Literals, TaskError> {
            Ok(i)
        }
    }

    #[shim_executor]
    impl ShimTaskExecutor for crate::spelt::WithCrate {
        type Task = Cfg;
        fn execute_from_model(
            &self,
            _: &ExecutionContext,
            _: Cfg,
            i: Literals,
        ) -> Result<Literals, TaskError> {
            Ok(i)
        }
    }
}

#[test]
fn every_spelling_registers_the_same_kind_of_path() {
    assert_eq!(
        <spelt::Plain as RegisteredExecutor>::PATH,
        "executor_path::spelt::Plain"
    );
    assert_eq!(
        <spelt::WithSelf as RegisteredExecutor>::PATH,
        "executor_path::spelt::WithSelf"
    );
    assert_eq!(
        <spelt::WithCrate as RegisteredExecutor>::PATH,
        "executor_path::spelt::WithCrate"
    );
    for path in [
        "executor_path::spelt::WithSelf",
        "executor_path::spelt::WithCrate",
    ] {
        assert!(
            flyte_runtime::task::registry::executor(path).is_ok(),
            "{path} is registered"
        );
    }
}
