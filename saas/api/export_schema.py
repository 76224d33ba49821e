"""`make schema`: writes graphql/schema.graphql (tenant graph) and graphql/public.graphql (public host)."""

from pathlib import Path

import django

GRAPHQL_DIR = Path(__file__).resolve().parent.parent.parent / "graphql"


def sdl_files() -> dict[Path, str]:
    from saas.api.public_schema import schema as public_schema
    from saas.api.schema import schema as tenant_schema

    return {
        GRAPHQL_DIR / "schema.graphql": tenant_schema.as_str() + "\n",
        GRAPHQL_DIR / "public.graphql": public_schema.as_str() + "\n",
    }


if __name__ == "__main__":
    django.setup()
    for path, sdl in sdl_files().items():
        path.write_text(sdl)
        print(f"wrote {path.relative_to(GRAPHQL_DIR.parent)}")
