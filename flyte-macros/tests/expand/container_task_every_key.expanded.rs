#[derive(serde::Serialize, serde::Deserialize)]
pub struct SqliteTask {
    pub uri: String,
    pub query_template: String,
}
const _: () = {
    use ::flyte_runtime::__private as __flyte;
    #[automatically_derived]
    impl __flyte::ContainerTask for SqliteTask {
        const TASK_TYPE: &'static str = "sqlite";
        const IMAGE: &'static str = "ghcr.io/acme/sqlite:{version}";
        const VERSION: &'static str = ::core::env!("CARGO_PKG_VERSION");
        const ENTRYPOINT: &'static str = "sqlite-tasks";
        const RESOLVER: &'static str = "flyte_rs.default_task_resolver";
        const TASK_TYPE_VERSION: i32 = 2i32;
        type Inputs = Wrapper<Query, Limits>;
        type Outputs = Rows;
        type Executor = SqliteExecutor;
        fn get_custom(
            &self,
        ) -> __flyte::std::result::Result<__flyte::Struct, __flyte::CustomError> {
            sqlite_custom::to_custom(self)
        }
        fn from_custom(
            custom: &__flyte::Struct,
        ) -> __flyte::std::result::Result<Self, __flyte::CustomError> {
            sqlite_custom::from_custom(custom)
        }
        fn validate(
            &self,
            interface: &__flyte::TypedInterface,
        ) -> __flyte::std::result::Result<(), __flyte::std::string::String> {
            check_query(self, interface)
        }
    }
    const _: () = {
        const OVERLAP: __flyte::ConstMessage = __flyte::overlap_message(
            "sqlite",
            <Wrapper<Query, Limits> as __flyte::TaskIo>::NAMES,
            <Rows as __flyte::TaskIo>::NAMES,
        );
        if !OVERLAP.is_empty() {
            ::core::panic!("{}", OVERLAP.as_str());
        }
    };
    fn __flyte_describe() -> __flyte::TaskTypeInfo {
        use __flyte::{Described as _, Undescribed as _};
        __flyte::task_type_info::<
            SqliteTask,
        >(__flyte::ConfigSchema {
            doc: "",
            fields: __flyte::std::vec![],
            opaque: ::core::option::Option::Some("`custom_with` writes `custom` itself"),
        })
    }
    __flyte::inventory::submit! {
        __flyte::TaskTypeEntry { task_type : "sqlite", rust_type :
        ::core::concat!(::core::module_path!(), "::", ::core::stringify!(SqliteTask)),
        config_type : ::core::any::TypeId::of:: < SqliteTask >, executor_path :
        __flyte::executor_path:: < SqliteTask > (), image : < SqliteTask as
        __flyte::ContainerTask > ::image, describe : __flyte_describe, }
    }
};
