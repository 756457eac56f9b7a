"""Domain records, rules and services; nothing here knows GraphQL."""
