resource "aws_s3_bucket" "data" {
  bucket = "shop-data"
}

resource "aws_ebs_volume" "cache" {
  availability_zone = "eu-west-1a"
  size              = 20
  encrypted         = true
}

resource "aws_db_instance" "orders" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "orders"
  password            = var.db_password
  storage_encrypted   = true
  publicly_accessible = false
}
