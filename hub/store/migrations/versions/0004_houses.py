"""The housing registry: houses, entrances, premises, living rooms, lifts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _nsi(prefix: str) -> list[sa.Column[object]]:
    return [
        sa.Column(f"{prefix}_code", sa.String(20), nullable=True),
        sa.Column(f"{prefix}_guid", sa.String(36), nullable=True),
        sa.Column(f"{prefix}_name", sa.Text, nullable=True),
    ]


def _cadastre() -> list[sa.Column[object]]:
    return [
        sa.Column("cadastral_number", sa.String(255), nullable=True),
        sa.Column("no_rso_registered", sa.Boolean, nullable=False),
        sa.Column("no_cadastral_number", sa.Boolean, nullable=False),
        sa.Column("conditional_number", sa.Text, nullable=True),
        sa.Column("rights", sa.JSON, nullable=False),
    ]


def _tail() -> list[sa.Column[object]]:
    return [
        *_nsi("annulment_reason"),
        sa.Column("annulment_info", sa.Text, nullable=True),
        sa.Column("annulled_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("modified_at", TS, nullable=False),
    ]


def _child(table: str, *columns: sa.Column[object] | sa.Constraint) -> None:
    op.create_table(
        table,
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("house_id", Id, nullable=False),
        *columns,
        *_tail(),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.UniqueConstraint("guid", name=f"uq_{table}_guid"),
        sa.ForeignKeyConstraint(["house_id"], ["houses.id"], name=f"fk_{table}_house_id_houses"),
    )


def upgrade() -> None:
    op.create_table(
        "houses",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("registry_guid", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("unique_number", sa.String(20), nullable=False),
        sa.Column("manager_org_id", Id, nullable=True),
        sa.Column("created_by_org_id", Id, nullable=True),
        sa.Column("child_counter", sa.Integer, nullable=False),
        *_cadastre(),
        sa.Column("total_square", sa.String(40), nullable=True),
        *_nsi("state"),
        *_nsi("life_cycle_stage"),
        sa.Column("used_year", sa.Integer, nullable=True),
        sa.Column("floor_count", sa.Integer, nullable=True),
        sa.Column("oktmo_code", sa.String(11), nullable=True),
        sa.Column("oktmo_name", sa.Text, nullable=True),
        *_nsi("olson_tz"),
        sa.Column("cultural_heritage", sa.Boolean, nullable=True),
        sa.Column("ogf", sa.JSON, nullable=False),
        sa.Column("is_municipal_property", sa.Boolean, nullable=True),
        sa.Column("is_region_property", sa.Boolean, nullable=True),
        sa.Column("underground_floor_count", sa.Integer, nullable=True),
        sa.Column("min_floor_count", sa.Integer, nullable=True),
        sa.Column("has_blocks", sa.Boolean, nullable=True),
        sa.Column("has_multiple_houses_with_same_address", sa.Boolean, nullable=True),
        *_tail(),
        sa.PrimaryKeyConstraint("id", name="pk_houses"),
        sa.UniqueConstraint("guid", name="uq_houses_guid"),
        sa.UniqueConstraint("registry_guid", name="uq_houses_registry_guid"),
        sa.UniqueConstraint("unique_number", name="uq_houses_unique_number"),
        sa.ForeignKeyConstraint(
            ["manager_org_id"], ["organizations.id"], name="fk_houses_manager_org_id_organizations"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_org_id"], ["organizations.id"], name="fk_houses_created_by_org_id_organizations"
        ),
    )
    _child(
        "entrances",
        sa.Column("number", sa.String(255), nullable=False),
        sa.Column("fias_child_house_guid", sa.String(36), nullable=True),
        sa.Column("storeys_count", sa.Integer, nullable=True),
        sa.Column("creation_year", sa.Integer, nullable=True),
        sa.Column("information_confirmed", sa.Boolean, nullable=True),
    )
    op.create_index("ix_entrances_house_id", "entrances", ["house_id"])
    _child(
        "premises",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("unique_number", sa.String(40), nullable=False),
        sa.Column("number", sa.String(255), nullable=True),
        *_cadastre(),
        sa.Column("ogf", sa.JSON, nullable=False),
        sa.Column("information_confirmed", sa.Boolean, nullable=True),
        sa.Column("entrance_number", sa.String(255), nullable=True),
        sa.Column("has_no_entrance", sa.Boolean, nullable=False),
        sa.Column("fias_child_house_guid", sa.String(36), nullable=True),
        *_nsi("premises_characteristic"),
        sa.Column("total_area", sa.String(40), nullable=True),
        sa.Column("gross_area", sa.String(40), nullable=True),
        sa.Column("no_gross_area", sa.Boolean, nullable=False),
        sa.Column("is_common_property", sa.Boolean, nullable=True),
        sa.UniqueConstraint("unique_number", name="uq_premises_unique_number"),
    )
    op.create_index("ix_premises_house_kind_number", "premises", ["house_id", "kind", "number"])
    _child(
        "living_rooms",
        sa.Column("premises_id", Id, nullable=True),
        sa.Column("unique_number", sa.String(40), nullable=False),
        sa.Column("number", sa.String(255), nullable=True),
        *_cadastre(),
        sa.Column("square", sa.String(40), nullable=True),
        sa.Column("ogf", sa.JSON, nullable=False),
        sa.Column("information_confirmed", sa.Boolean, nullable=True),
        sa.UniqueConstraint("unique_number", name="uq_living_rooms_unique_number"),
        sa.ForeignKeyConstraint(["premises_id"], ["premises.id"], name="fk_living_rooms_premises_id_premises"),
    )
    op.create_index("ix_living_rooms_house_premises", "living_rooms", ["house_id", "premises_id"])
    _child(
        "lifts",
        sa.Column("entrance_number", sa.String(255), nullable=False),
        sa.Column("fias_child_house_guid", sa.String(36), nullable=True),
        sa.Column("factory_num", sa.Text, nullable=True),
        *_nsi("type"),
        sa.Column("ogf", sa.JSON, nullable=False),
    )
    op.create_index("ix_lifts_house_id", "lifts", ["house_id"])


def downgrade() -> None:
    op.drop_index("ix_lifts_house_id", "lifts")
    op.drop_table("lifts")
    op.drop_index("ix_living_rooms_house_premises", "living_rooms")
    op.drop_table("living_rooms")
    op.drop_index("ix_premises_house_kind_number", "premises")
    op.drop_table("premises")
    op.drop_index("ix_entrances_house_id", "entrances")
    op.drop_table("entrances")
    op.drop_table("houses")
