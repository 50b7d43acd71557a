"""What every endpoint of the partner API shares: authentication, permissions, paging,
throttling, formats, query-parameter checks, conditional requests, errors, the schema
helpers and the guide page. The endpoints themselves live in each app's ``api`` package."""
