"""The tenant web app: pages per area, each rendering named GraphQL operations (web.gql)."""
