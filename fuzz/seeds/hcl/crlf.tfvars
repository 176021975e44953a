name = "x"
count = 3
// comment
/* block */
