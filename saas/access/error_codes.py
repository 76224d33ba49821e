TOKEN_NAME_REQUIRED = "token_name_required"
TOKEN_EXPIRY_IN_PAST = "token_expiry_in_past"
NOT_FOUND = "not_found"
