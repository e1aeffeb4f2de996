/// The task type: adds a fixed offset (its configuration, in `custom`).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct AddTask {
    /// Added to every sum.
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
    fn __flyte_describe() -> __flyte::TaskTypeInfo {
        use __flyte::{Described as _, Undescribed as _};
        __flyte::task_type_info::<
            AddTask,
        >(__flyte::ConfigSchema {
            doc: "The task type: adds a fixed offset (its configuration, in `custom`).",
            fields: __flyte::std::vec![
                __flyte::ConfigField { name : "offset", key : "offset", doc :
                "Added to every sum.", ty : (&& __flyte::ConfigTypeProbe:: < i64 >
                ::new()).config_type(), default : ::core::option::Option::None,
                skip_if_none : false, }
            ],
            opaque: ::core::option::Option::None,
        })
    }
    __flyte::inventory::submit! {
        __flyte::TaskTypeEntry { task_type : "adder", rust_type :
        ::core::concat!(::core::module_path!(), "::", ::core::stringify!(AddTask)),
        config_type : ::core::any::TypeId::of:: < AddTask >, executor_path :
        __flyte::executor_path:: < AddTask > (), image : < AddTask as
        __flyte::ContainerTask > ::image, describe : __flyte_describe, }
    }
};
