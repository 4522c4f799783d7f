# The Bedrock agents of the support platform. research-agent was created by
# hand in the console and is declared nowhere; fraud-agent is declared here
# but has not been applied yet.
provider "aws" {
  region = "us-east-1"
}

resource "aws_bedrock_guardrail" "strict" {
  name                      = "strict"
  blocked_input_messaging   = "Sorry, I cannot help with that."
  blocked_outputs_messaging = "Sorry, I cannot help with that."

  content_policy_config {
    filters_config {
      type            = "HATE"
      input_strength  = "HIGH"
      output_strength = "HIGH"
    }
    filters_config {
      type            = "VIOLENCE"
      input_strength  = "HIGH"
      output_strength = "HIGH"
    }
    filters_config {
      type            = "PROMPT_ATTACK"
      input_strength  = "HIGH"
      output_strength = "NONE"
    }
  }

  sensitive_information_policy_config {
    pii_entities_config {
      type   = "EMAIL"
      action = "ANONYMIZE"
    }
  }
}

resource "aws_bedrockagent_agent" "support" {
  agent_name              = "support-agent"
  agent_resource_role_arn = aws_iam_role.support_agent.arn
  foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"

  guardrail_configuration {
    guardrail_identifier = aws_bedrock_guardrail.strict.guardrail_id
    guardrail_version    = "DRAFT"
  }

  tags = {
    team = "support"
  }
}

resource "aws_bedrockagent_agent" "billing" {
  agent_name              = "billing-agent"
  agent_resource_role_arn = aws_iam_role.support_agent.arn
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
}

resource "aws_bedrockagent_agent" "fraud" {
  agent_name              = "fraud-agent"
  agent_resource_role_arn = aws_iam_role.support_agent.arn
  foundation_model        = "amazon.nova-pro-v1:0"
}

resource "aws_iam_role" "support_agent" {
  name = "support-agent-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } }]
  })
}
