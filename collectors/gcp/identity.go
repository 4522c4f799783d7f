package gcp

import (
	"strings"
)

// Service accounts are named by their full IAM resource name under the
// project that owns them, //iam.googleapis.com/projects/P/serviceAccounts/E,
// the ID an identity asset and every resource running as it share.

// Google-managed identities a Vertex AI resource runs as when it names no
// service account of its own.
const (
	// customCodeAgent runs deployed models (custom containers) with no
	// service account.
	customCodeAgent = "gcp-sa-aiplatform-cc"
	// reasoningEngineAgent runs Agent Engine reasoning engines with no
	// service account.
	reasoningEngineAgent = "gcp-sa-aiplatform-re"
	// notebookAgent (the Vertex AI Notebook service agent) is the workload
	// identity of every Colab Enterprise runtime.
	notebookAgent = "gcp-sa-aiplatform-vm"
)

// serviceAgent is the email of a project's Google-managed service agent.
func serviceAgent(number, agent string) string {
	if number == "" {
		return ""
	}
	return "service-" + number + "@" + agent + ".iam.gserviceaccount.com"
}

// computeDefault is the Compute Engine default service account's email.
func computeDefault(number string) string {
	if number == "" {
		return ""
	}
	return number + "-compute@developer.gserviceaccount.com"
}

// defaultAccount reports whether email is a project's default or
// Google-managed identity (the Compute Engine or App Engine default
// account, or a service agent): shared by everything that names none.
func defaultAccount(email string) bool {
	_, domain, _ := strings.Cut(strings.ToLower(email), "@")
	return domain == "developer.gserviceaccount.com" || domain == "appspot.gserviceaccount.com" ||
		strings.HasPrefix(domain, "gcp-sa-") || domain == "cloudservices.gserviceaccount.com"
}

// serviceAgentEmail reports whether email is a Google-managed service agent.
func serviceAgentEmail(email string) bool {
	_, domain, _ := strings.Cut(strings.ToLower(email), "@")
	return strings.HasPrefix(domain, "gcp-sa-") || domain == "cloudservices.gserviceaccount.com"
}

// ownerProject is the project that owns a service account: the project id
// in a user-managed account's domain, the App Engine default's local part,
// or, for accounts named by project number (Compute Engine default,
// service agents), the project with that number; "" when unknown.
func (c *Collector) ownerProject(email string) string {
	local, domain, ok := strings.Cut(strings.ToLower(email), "@")
	if !ok {
		return ""
	}
	switch {
	case domain == "appspot.gserviceaccount.com":
		return local
	case strings.HasSuffix(domain, ".iam.gserviceaccount.com") && !strings.HasPrefix(domain, "gcp-sa-"):
		return strings.TrimSuffix(domain, ".iam.gserviceaccount.com")
	}
	number := strings.TrimSuffix(strings.TrimPrefix(local, "service-"), "-compute")
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byNumber[number]
}

// saID is the asset ID of a service account ("" for no email); an
// account whose project is unknown is named under project "-", as IAM
// itself accepts.
func (c *Collector) saID(email string) string {
	if email == "" {
		return ""
	}
	p := c.ownerProject(email)
	if p == "" {
		p = "-"
	}
	return "//iam.googleapis.com/projects/" + p + "/serviceAccounts/" + strings.ToLower(email)
}
