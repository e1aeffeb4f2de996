#[derive(serde::Serialize, serde::Deserialize)]
pub struct AddTask {
    pub offset: i64,
}
const _: () = {
    use ::flyte_runtime::__private as __flyte;
    #[automatically_derived]
    impl __flyte::ContainerTask for AddTask {
        const TASK_TYPE: &'static str = "adder";
        const IMAGE: &'static str = "flyte-examples:{version}";
        const VERSION: &'static str = ::core::env!("CARGO_PKG_VERSION");
        const ENTRYPOINT: &'static str = ::core::env!("CARGO_PKG_NAME");
        type Inputs = AddInputs;
        type Outputs = AddOutputs;
        type Executor = AddExecutor;
    }
    const _: () = {
        const OVERLAP: __flyte::ConstMessage = __flyte::overlap_message(
            "adder",
            <AddInputs as __flyte::TaskIo>::NAMES,
            <AddOutputs as __flyte::TaskIo>::NAMES,
        );
        if !OVERLAP.is_empty() {
            ::core::panic!("{}", OVERLAP.as_str());
        }
    };
    __flyte::inventory::submit! {
        __flyte::TaskTypeEntry { task_type : "adder", rust_type :
        ::core::concat!(::core::module_path!(), "::", ::core::stringify!(AddTask)),
        config_type : ::core::any::TypeId::of:: < AddTask >, executor_path :
        __flyte::executor_path:: < AddTask > (), image : < AddTask as
        __flyte::ContainerTask > ::image, }
    }
};
