"""The LiteralType flytekit writes for a dataclass whose fields are described, as a Rust
struct's doc comments describe its fields: mashumaro puts `field(metadata={"description": ...})`
into the field's property of the JSON schema (the type's `metadata`). Prints the
flyteidl.core.LiteralType bytes of `Reading` (the twin of golden_literals.rs's `Reading`).
"""
import sys
import typing
from dataclasses import dataclass, field

from flytekit.core.type_engine import TypeEngine


@dataclass
class Note:
    text: str = field(metadata={"description": "What was noted."})


@dataclass
class Reading:
    east: float = field(metadata={"description": "Metres east of the origin.\n\nMeasured at noon."})
    north: float
    confidence: float = field(default=1.0, metadata={"description": "How sure the reading is."})
    note: typing.Optional[Note] = field(default=None, metadata={"description": "A note, if any."})


sys.stdout.buffer.write(TypeEngine.to_literal_type(Reading).to_flyte_idl().SerializeToString())
