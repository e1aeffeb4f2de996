const _: () = {
    use ::flyte_runtime::__private as __flyte;
    fn fields() -> __flyte::std::vec::Vec<__flyte::FieldInfo> {
        __flyte::std::vec![
            __flyte::FieldInfo::of:: < f64 > ("x")
            .described("Distance east of the origin."),
            __flyte::FieldInfo::with_default:: < f64 > ("y", & (0.0))
        ]
    }
    #[automatically_derived]
    impl __flyte::FlyteType for Point {
        fn literal_type() -> __flyte::LiteralType {
            __flyte::struct_literal_type("Point", &fields())
        }
        fn type_tag() -> &'static str {
            "Object-Dataclass-Transformer"
        }
        fn to_literal(&self) -> __flyte::Literal {
            __flyte::msgpack_literal(&__flyte::FlyteType::to_msgpack(self))
        }
        fn from_literal(
            literal: &__flyte::Literal,
        ) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
            __flyte::FlyteType::from_msgpack(
                &__flyte::struct_payload(literal, "STRUCT Point")?,
            )
        }
        fn to_msgpack(&self) -> __flyte::rmpv::Value {
            __flyte::struct_value(
                __flyte::std::vec![
                    ("x", < f64 as __flyte::FlyteType > ::to_msgpack(& self.x)), ("y", <
                    f64 as __flyte::FlyteType > ::to_msgpack(& self.y))
                ],
            )
        }
        fn from_msgpack(
            value: &__flyte::rmpv::Value,
        ) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
            let entries = __flyte::struct_entries(value, "Point")?;
            __flyte::std::result::Result::Ok(Self {
                x: __flyte::read_field(entries, "x")?,
                y: __flyte::read_field_or(entries, "y", || 0.0)?,
            })
        }
        fn json_schema() -> __flyte::serde_json::Value {
            __flyte::struct_schema("Point", &fields())
        }
    }
};
