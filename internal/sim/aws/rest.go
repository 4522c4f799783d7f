package aws

import (
	"regexp"
	"strings"
)

// restRoute is a REST-JSON operation: Bedrock, Bedrock Agent (both signed
// as "bedrock"), Account and Bedrock AgentCore control.
type restRoute struct {
	service, method string
	path            *regexp.Regexp
	action          string
	handler         func(*request) (any, error)
}

func route(service, method, path, action string, h func(*request) (any, error)) restRoute {
	return restRoute{service, method, regexp.MustCompile("^" + path + "$"), action, h}
}

var restRoutes = []restRoute{
	route("bedrock", "GET", "/custom-models", "bedrock:ListCustomModels", listCustomModels),
	route("bedrock", "GET", "/imported-models", "bedrock:ListImportedModels", bedrockList("modelSummaries", func(r *Region) []map[string]any {
		return each(r.ImportedModels, func(n Named) map[string]any {
			return map[string]any{"modelName": n.Name, "modelArn": "imported-model/" + n.Name}
		})
	})),
	route("bedrock", "GET", "/provisioned-model-throughputs", "bedrock:ListProvisionedModelThroughputs", bedrockList("provisionedModelSummaries", func(r *Region) []map[string]any {
		return each(r.Provisioned, func(p Provisioned) map[string]any {
			return map[string]any{"provisionedModelName": p.Name, "provisionedModelArn": "provisioned-model/" + p.Name, "modelArn": p.Model, "foundationModelArn": p.Model, "modelUnits": p.Units, "desiredModelUnits": p.Units, "status": "InService"}
		})
	})),
	route("bedrock", "GET", "/inference-profiles", "bedrock:ListInferenceProfiles", bedrockList("inferenceProfileSummaries", func(r *Region) []map[string]any {
		return each(r.InferenceProfiles, func(p Profile) map[string]any {
			return map[string]any{"inferenceProfileName": p.Name, "inferenceProfileId": p.Name, "inferenceProfileArn": "application-inference-profile/" + p.Name, "status": "ACTIVE", "type": "APPLICATION",
				"models": each(p.Models, func(m string) map[string]any { return map[string]any{"modelArn": m} })}
		})
	})),
	route("bedrock", "GET", "/guardrails", "bedrock:ListGuardrails", bedrockList("guardrails", func(r *Region) []map[string]any {
		return each(r.Guardrails, func(g Guardrail) map[string]any {
			return map[string]any{"id": g.ID, "name": g.Name, "arn": "guardrail/" + g.ID, "status": "READY", "version": "DRAFT"}
		})
	})),
	route("bedrock", "GET", "/guardrails/[^/]+", "bedrock:GetGuardrail", getGuardrail),
	route("bedrock", "GET", "/logging/modelinvocations", "bedrock:GetModelInvocationLoggingConfiguration", getLogging),
	route("bedrock", "POST", "/listTagsForResource", "bedrock:ListTagsForResource", bedrockTags),
	route("bedrock", "POST", "/agents/", "bedrock:ListAgents", bedrockList("agentSummaries", func(r *Region) []map[string]any {
		return each(r.Agents, func(a Agent) map[string]any {
			return map[string]any{"agentId": a.ID, "agentName": a.Name, "agentStatus": "PREPARED", "latestAgentVersion": "1"}
		})
	})),
	route("bedrock", "GET", "/agents/[^/]+/", "bedrock:GetAgent", getAgent),
	route("bedrock", "POST", "/agents/[^/]+/agentaliases/", "bedrock:ListAgentAliases", listAgentAliases),
	route("bedrock", "POST", "/knowledgebases/", "bedrock:ListKnowledgeBases", bedrockList("knowledgeBaseSummaries", func(r *Region) []map[string]any {
		return each(r.KnowledgeBases, func(k KnowledgeBas) map[string]any {
			return map[string]any{"knowledgeBaseId": k.ID, "name": k.Name, "status": "ACTIVE"}
		})
	})),
	route("bedrock", "GET", "/knowledgebases/[^/]+", "bedrock:GetKnowledgeBase", getKnowledgeBase),
	route("bedrock", "POST", "/knowledgebases/[^/]+/datasources/", "bedrock:ListDataSources", listDataSources),
	route("bedrock", "GET", "/flows/", "bedrock:ListFlows", bedrockList("flowSummaries", func(r *Region) []map[string]any {
		return each(r.Flows, func(n Named) map[string]any {
			return map[string]any{"id": n.Name, "name": n.Name, "arn": "flow/" + n.Name, "status": "Prepared", "version": "DRAFT"}
		})
	})),
	route("bedrock", "GET", "/prompts/", "bedrock:ListPrompts", bedrockList("promptSummaries", func(r *Region) []map[string]any {
		return each(r.Prompts, func(n Named) map[string]any {
			return map[string]any{"id": n.Name, "name": n.Name, "arn": "prompt/" + n.Name, "version": "DRAFT"}
		})
	})),
	route("account", "POST", "/listRegions", "account:ListRegions", listRegions),
	route("bedrock-agentcore", "POST", "/runtimes/", "bedrock-agentcore:ListAgentRuntimes", agentcoreList("agentRuntimes", func(r *Region) []map[string]any {
		return each(r.AgentRuntimes, func(n Named) map[string]any {
			return map[string]any{"agentRuntimeId": n.Name, "agentRuntimeName": n.Name, "agentRuntimeArn": "runtime/" + n.Name, "agentRuntimeVersion": "1", "status": "READY", "description": "", "lastUpdatedAt": "2026-01-01T00:00:00Z"}
		})
	})),
	route("bedrock-agentcore", "GET", "/gateways/", "bedrock-agentcore:ListGateways", agentcoreList("items", func(r *Region) []map[string]any {
		return each(r.Gateways, func(n Named) map[string]any {
			return map[string]any{"gatewayId": n.Name, "name": n.Name, "status": "READY", "authorizerType": "CUSTOM_JWT", "protocolType": "MCP", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}
		})
	})),
}

func each[T any](items []T, f func(T) map[string]any) []map[string]any {
	out := []map[string]any{}
	for _, it := range items {
		out = append(out, f(it))
	}
	return out
}

// qualify turns the relative "type/name" ARNs the tables use into full ARNs.
func qualify(q *request, service string, items []map[string]any) {
	for _, m := range items {
		for k, v := range m {
			s, ok := v.(string)
			if ok && strings.HasSuffix(strings.ToLower(k), "arn") && s != "" && !strings.HasPrefix(s, "arn:") {
				m[k] = arn(service, q.region, q.account, s)
			}
		}
	}
}

func bedrockList(field string, list func(*Region) []map[string]any) func(*request) (any, error) {
	return listWith("bedrock", field, list)
}

func agentcoreList(field string, list func(*Region) []map[string]any) func(*request) (any, error) {
	return listWith("bedrock-agentcore", field, list)
}

func listWith(service, field string, list func(*Region) []map[string]any) func(*request) (any, error) {
	return func(q *request) (any, error) {
		all := []map[string]any{}
		if r := q.regionData(); r != nil {
			all = list(r)
		}
		items, next := pageOf(q, all, "nextToken")
		qualify(q, service, items)
		return withNext(map[string]any{field: items}, "nextToken", next), nil
	}
}

func listCustomModels(q *request) (any, error) {
	for _, w := range q.s.e.Faults.NoCustomModels {
		if w.Account == q.account && w.Region == q.region {
			return nil, &apiError{status: 400, code: "ValidationException", msg: "Unknown Operation"}
		}
	}
	return bedrockList("modelSummaries", func(r *Region) []map[string]any {
		return each(r.CustomModels, func(n Named) map[string]any {
			return map[string]any{"modelName": n.Name, "modelArn": arn("bedrock", q.region, q.account, "custom-model/"+n.Name), "baseModelArn": n.Base, "baseModelName": n.Base[strings.LastIndex(n.Base, "/")+1:], "customizationType": "FINE_TUNING", "ownerAccountId": q.account}
		})
	})(q)
}

func lastSegment(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	return parts[len(parts)-1]
}

func pathSegment(path string, i int) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

func getGuardrail(q *request) (any, error) {
	id := lastSegment(q.r.URL.Path)
	if r := q.regionData(); r != nil {
		for _, g := range r.Guardrails {
			if g.ID != id {
				continue
			}
			out := map[string]any{"guardrailId": g.ID, "name": g.Name, "guardrailArn": arn("bedrock", q.region, q.account, "guardrail/"+g.ID), "version": "DRAFT", "status": "READY",
				"blockedInputMessaging": "blocked", "blockedOutputsMessaging": "blocked", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}
			if len(g.Filters) > 0 {
				out["contentPolicy"] = map[string]any{"filters": each(g.Filters, func(f string) map[string]any {
					return map[string]any{"type": f, "inputStrength": "HIGH", "outputStrength": "HIGH"}
				})}
			}
			if g.Topics > 0 {
				var topics []map[string]any
				for i := 0; i < g.Topics; i++ {
					topics = append(topics, map[string]any{"name": "topic", "definition": "d", "type": "DENY"})
				}
				out["topicPolicy"] = map[string]any{"topics": topics}
			}
			if g.PII {
				out["sensitiveInformationPolicy"] = map[string]any{"piiEntities": []map[string]any{{"type": "EMAIL", "action": "ANONYMIZE"}}}
			}
			return out, nil
		}
	}
	return nil, notFound("guardrail " + id)
}

func getLogging(q *request) (any, error) {
	r := q.regionData()
	if r == nil || r.Logging == nil {
		return map[string]any{}, nil
	}
	cfg := map[string]any{"textDataDeliveryEnabled": true, "imageDataDeliveryEnabled": true, "embeddingDataDeliveryEnabled": true}
	if r.Logging.LogGroup != "" {
		cfg["cloudWatchConfig"] = map[string]any{"logGroupName": r.Logging.LogGroup, "roleArn": roleARN(q.account, "bedrock-logging")}
	}
	if r.Logging.Bucket != "" {
		cfg["s3Config"] = map[string]any{"bucketName": r.Logging.Bucket, "keyPrefix": "bedrock/"}
	}
	return map[string]any{"loggingConfig": cfg}, nil
}

func bedrockTags(q *request) (any, error) {
	target := q.str("resourceARN")
	tags := []map[string]any{}
	if r := q.regionData(); r != nil {
		for _, a := range r.Agents {
			if arn("bedrock", q.region, q.account, "agent/"+a.ID) == target {
				for _, k := range sortedKeys(a.Tags) {
					tags = append(tags, map[string]any{"key": k, "value": a.Tags[k]})
				}
			}
		}
		for _, m := range r.CustomModels {
			if arn("bedrock", q.region, q.account, "custom-model/"+m.Name) == target {
				for _, k := range sortedKeys(m.Tags) {
					tags = append(tags, map[string]any{"key": k, "value": m.Tags[k]})
				}
			}
		}
	}
	return map[string]any{"tags": tags}, nil
}

func (q *request) agent() (*Agent, error) {
	id := pathSegment(q.r.URL.Path, 1)
	if r := q.regionData(); r != nil {
		for i := range r.Agents {
			if r.Agents[i].ID == id {
				return &r.Agents[i], nil
			}
		}
	}
	return nil, notFound("agent " + id)
}

func getAgent(q *request) (any, error) {
	a, err := q.agent()
	if err != nil {
		return nil, err
	}
	out := map[string]any{"agentId": a.ID, "agentName": a.Name, "agentArn": arn("bedrock", q.region, q.account, "agent/"+a.ID), "agentVersion": "DRAFT", "agentStatus": "PREPARED",
		"agentResourceRoleArn": roleARN(q.account, a.Role), "foundationModel": a.Model, "idleSessionTTLInSeconds": 600, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}
	if a.Guardrail != "" {
		out["guardrailConfiguration"] = map[string]any{"guardrailIdentifier": a.Guardrail, "guardrailVersion": "DRAFT"}
	}
	return map[string]any{"agent": out}, nil
}

func listAgentAliases(q *request) (any, error) {
	a, err := q.agent()
	if err != nil {
		return nil, err
	}
	items, next := pageOf(q, a.Aliases, "nextToken")
	return withNext(map[string]any{"agentAliasSummaries": each(items, func(n string) map[string]any {
		return map[string]any{"agentAliasId": n, "agentAliasName": n, "agentAliasStatus": "PREPARED", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}
	})}, "nextToken", next), nil
}

func (q *request) knowledgeBase() (*KnowledgeBas, error) {
	id := pathSegment(q.r.URL.Path, 1)
	if r := q.regionData(); r != nil {
		for i := range r.KnowledgeBases {
			if r.KnowledgeBases[i].ID == id {
				return &r.KnowledgeBases[i], nil
			}
		}
	}
	return nil, notFound("knowledge base " + id)
}

func getKnowledgeBase(q *request) (any, error) {
	k, err := q.knowledgeBase()
	if err != nil {
		return nil, err
	}
	return map[string]any{"knowledgeBase": map[string]any{"knowledgeBaseId": k.ID, "name": k.Name, "knowledgeBaseArn": arn("bedrock", q.region, q.account, "knowledge-base/"+k.ID),
		"roleArn": roleARN(q.account, k.Role), "status": "ACTIVE", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
		"knowledgeBaseConfiguration": map[string]any{"type": "VECTOR", "vectorKnowledgeBaseConfiguration": map[string]any{"embeddingModelArn": k.Embedding}},
		"storageConfiguration":       map[string]any{"type": "OPENSEARCH_SERVERLESS"}}}, nil
}

func listDataSources(q *request) (any, error) {
	k, err := q.knowledgeBase()
	if err != nil {
		return nil, err
	}
	items, next := pageOf(q, k.DataSources, "nextToken")
	return withNext(map[string]any{"dataSourceSummaries": each(items, func(n string) map[string]any {
		return map[string]any{"dataSourceId": n, "knowledgeBaseId": k.ID, "name": n, "status": "AVAILABLE", "updatedAt": "2026-01-01T00:00:00Z"}
	})}, "nextToken", next), nil
}

// listRegions answers for the account the credentials belong to.
func listRegions(q *request) (any, error) {
	a := q.acct()
	var all []map[string]any
	for _, name := range sortedKeys(regionSet(a)) {
		status := "ENABLED"
		for _, d := range a.Disabled {
			if d == name {
				status = "DISABLED"
			}
		}
		all = append(all, map[string]any{"RegionName": name, "RegionOptStatus": status})
	}
	items, next := pageOf(q, all, "NextToken")
	return withNext(map[string]any{"Regions": items}, "NextToken", next), nil
}

func regionSet(a *Account) map[string]string {
	m := map[string]string{}
	for r := range a.Regions {
		m[r] = r
	}
	for _, r := range a.Disabled {
		m[r] = r
	}
	return m
}
