package check

import "testing"

func TestGoNames(t *testing.T) {
	tests := []struct{ in, exported, param string }{
		{"take_tokens", "TakeTokens", "takeTokens"},
		{"retry_after", "RetryAfter", "retryAfter"},
		{"user_id", "UserID", "userID"},
		{"id", "ID", "id"},
		{"ID", "ID", "id"},
		{"ttl_ms", "TTLMs", "ttlMs"},
		{"getUserID", "GetUserID", "getUserID"},
		{"GetHTTPServer", "GetHTTPServer", "getHTTPServer"},
		{"url_path", "URLPath", "urlPath"},
		{"MAX_SIZE", "MaxSize", "maxSize"},
		{"user_ids", "UserIDs", "userIDs"},
		{"ms", "Ms", "ms"},
		{"sha1", "Sha1", "sha1"},
		{"_private", "Private", "private"},
		{"a__b", "AB", "aB"},
		{"json_api_v2", "JSONAPIV2", "jsonAPIV2"},
		{"GetSHA1", "GetSHA1", "getSHA1"},
		{"retryAfterMS", "RetryAfterMS", "retryAfterMS"},
		{"Ttl_Ms", "TTLMs", "ttlMs"},
		{"_", "", ""},
		{"_1x", "1x", "1x"},
	}
	for _, tt := range tests {
		if got := exportedName(tt.in); got != tt.exported {
			t.Errorf("exportedName(%q) = %q, want %q", tt.in, got, tt.exported)
		}
		if got := paramName(tt.in); got != tt.param {
			t.Errorf("paramName(%q) = %q, want %q", tt.in, got, tt.param)
		}
	}
}
