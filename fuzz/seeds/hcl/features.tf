# tollgate:ignore=aws-s3-public
resource "aws_s3_bucket" "logs" {
  bucket = "logs-${var.env}"
  acl    = var.public ? "public-read" : "private"
  tags   = { Name = "logs", "env" = var.env, (local.k) = 1 }
  count  = -1
  ok     = !true
  list   = [for s in var.subnets : upper(s) if s != ""]
  policy = <<-EOT
    {"Version": "2012-10-17"}
    %{ if var.x }yes%{ endif }
  EOT
  dynamic "rule" {
    for_each = var.rules
    content {
      id = rule.value.id
    }
  }
  lifecycle { prevent_destroy = true }
}
variable "env" { default = 1.5e2 }
locals {
  a = aws_s3_bucket.logs.id
  b = [1, 2, 3][0]
  c = { for k, v in var.m : k => v... }
  d = "${a}%%{b}$${c}"
}
