const _: () = {
    use ::flyte_runtime::__private as __flyte;
    #[automatically_derived]
    impl __flyte::TaskIo for AddInputs
    where
        i64: __flyte::FlyteType,
        String: __flyte::FlyteType,
    {
        const NAMES: &'static [&'static str] = &["a", "b", "label"];
        const DESCRIPTIONS: &'static [&'static str] = &[
            "First addend.",
            "Second addend.",
            "Label of the message.",
        ];
        fn variables() -> __flyte::std::option::Option<
            __flyte::std::vec::Vec<(&'static str, __flyte::LiteralType)>,
        > {
            __flyte::std::option::Option::Some(
                __flyte::std::vec![
                    ("a", < i64 as __flyte::FlyteType > ::literal_type()), ("b", < i64 as
                    __flyte::FlyteType > ::literal_type()), ("label", < String as
                    __flyte::FlyteType > ::literal_type())
                ],
            )
        }
        fn from_literal_map(
            map: &__flyte::LiteralMap,
        ) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
            __flyte::std::result::Result::Ok(Self {
                a: __flyte::read_variable(map, "a")?,
                b: __flyte::read_variable(map, "b")?,
                label: __flyte::read_variable(map, "label")?,
            })
        }
        fn to_literal_map(&self) -> __flyte::LiteralMap {
            let mut map = __flyte::LiteralMap::default();
            map.literals.insert("a".into(), __flyte::FlyteType::to_literal(&self.a));
            map.literals.insert("b".into(), __flyte::FlyteType::to_literal(&self.b));
            map.literals
                .insert("label".into(), __flyte::FlyteType::to_literal(&self.label));
            map
        }
    }
};
