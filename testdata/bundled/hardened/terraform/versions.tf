terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

variable "region" {
  description = "AWS region to deploy into"
  type        = string
}

variable "db_password" {
  description = "Master password of the database, from the secret store"
  type        = string
  sensitive   = true
}
