print("veer")
