variable "region" {
  type        = string
  description = "AWS region to deploy the resources"
  default     = "us-east-1"
}