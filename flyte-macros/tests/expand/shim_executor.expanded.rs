impl ShimTaskExecutor for AddExecutor {
    type Task = AddTask;
    async fn execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        task: AddTask,
        inputs: AddInputs,
    ) -> Result<AddOutputs, TaskError> {
        todo!()
    }
}
const _: () = {
    use ::flyte_runtime::__private as __flyte;
    #[automatically_derived]
    impl __flyte::RegisteredExecutor for AddExecutor {
        const PATH: &'static str = ::core::concat!(
            ::core::module_path!(), "::", "AddExecutor"
        );
    }
    #[automatically_derived]
    impl __flyte::ExecutorOf<AddTask> for AddExecutor {}
    __flyte::inventory::submit! {
        __flyte::ExecutorEntry { path : < AddExecutor as __flyte::RegisteredExecutor >
        ::PATH, task_type : << AddExecutor as __flyte::ShimTaskExecutor > ::Task as
        __flyte::ContainerTask > ::TASK_TYPE, make : __flyte::make_executor:: <
        AddExecutor >, file : ::core::file!(), line : ::core::line!(), }
    }
};
